"""Scheduled deletion: old conversations and transcripts go, anonymous counts stay."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.backend.keys import SESSIONS, TRACKER
from bot.backend.ops.retention import Policy, purge
from bot.backend.storage.models import (
    AggregateCount,
    AppliedEvent,
    AuditEntry,
    Handoff,
    Note,
    Referral,
    StaffSession,
)

from .support import (
    Client,
    Clock,
    Databases,
    MakeClient,
    add_staff,
    add_tracker_events,
    count,
    ingest_handoff,
    login,
    make_settings,
    submit,
    tracker_senders,
)

pytestmark = pytest.mark.asyncio


async def _counts(client: Client) -> list[tuple[str, str, int]]:
    async with client.app[SESSIONS]() as session:
        return sorted((row.metric, row.key, row.count)
                      for row in await session.scalars(select(AggregateCount)))


async def test_the_purge_removes_what_is_older_than_the_period(
    client: Client, clock: Clock, databases: Databases,
) -> None:
    old = await ingest_handoff(client, "old-conversation")
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    case = f"/staff/cases/{old}"
    await submit(client, case, f"{case}/claim")
    await submit(client, case, f"{case}/note", {"body": "old note"})
    add_tracker_events(databases.tracker_url, "old-conversation",
                       [clock.now.timestamp() - 60])
    clock.advance(days=91)
    await ingest_handoff(client, "new-conversation")
    add_tracker_events(databases.tracker_url, "new-conversation", [clock.now.timestamp()])
    counts_before = await _counts(client)

    policy = Policy.from_settings(make_settings(databases))
    result = await purge(client.app[SESSIONS], client.app[TRACKER], policy, clock.now)

    assert (result.referrals, result.handoffs, result.notes) == (1, 1, 1)
    assert (result.applied_events, result.transcript_events) == (1, 1)
    assert result.staff_sessions == 1, "the idle session of 91 days ago"
    assert await count(client.app, Referral) == 1
    assert await count(client.app, Handoff) == 1
    assert await count(client.app, Note) == 0
    assert await count(client.app, AppliedEvent) == 1
    assert await count(client.app, StaffSession) == 0
    assert tracker_senders(databases.tracker_url) == ["new-conversation"]
    assert await _counts(client) == counts_before
    async with client.app[SESSIONS]() as session:
        entry = (await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "retention.purge"))).one()
    assert entry.actor_kind == "system"
    assert entry.detail == "referrals=1 handoffs=1 notes=1 transcript_events=1"


async def test_recent_activity_keeps_a_conversation(
    client: Client, clock: Clock, databases: Databases,
) -> None:
    await ingest_handoff(client, "ongoing")
    clock.advance(days=80)
    await ingest_handoff(client, "ongoing")  # the victim came back
    clock.advance(days=20)
    policy = Policy.from_settings(make_settings(databases))
    result = await purge(client.app[SESSIONS], client.app[TRACKER], policy, clock.now)
    assert result.referrals == 0
    assert await count(client.app, Handoff) == 1


async def test_the_purge_runs_on_a_schedule(make_client: MakeClient) -> None:
    client = await make_client(RETENTION_INTERVAL_MINUTES="0.002")
    for _ in range(100):
        if await count(client.app, AuditEntry, AuditEntry.action == "retention.purge") >= 2:
            break
        await asyncio.sleep(0.05)
    assert await count(client.app, AuditEntry, AuditEntry.action == "retention.purge") >= 2


async def test_a_failing_purge_is_retried_not_fatal(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture,
) -> None:
    client = await make_client(RETENTION_INTERVAL_MINUTES="0.002",
                               TRACKER_DATABASE_URL="postgresql://postgres@127.0.0.1:9/none")
    for _ in range(100):
        if caplog.text.count("retention purge failed") >= 2:
            break
        await asyncio.sleep(0.05)
    assert caplog.text.count("retention purge failed") >= 2
    assert (await client.get("/healthz")).status == 200
