"""A victim's rights: erasing a conversation, withdrawing a handoff request."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from sqlalchemy import select

from bot.backend.api.erasures import retry_all
from bot.backend.keys import CLOCK, SESSIONS, TRACKER, VAULT
from bot.backend.storage.models import (
    AggregateCount,
    AppliedEvent,
    AuditEntry,
    Handoff,
    Note,
    PendingErasure,
    Referral,
)

from .support import (
    AUTH,
    Client,
    Databases,
    FakeRasa,
    MakeClient,
    add_staff,
    add_tracker_events,
    count,
    handoff_event,
    ingest_handoff,
    login,
    post_event,
    submit,
    tracker_senders,
)

pytestmark = pytest.mark.asyncio


async def _audit(client: Client, action: str) -> list[AuditEntry]:
    async with client.app[SESSIONS]() as session:
        return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


async def _counts(client: Client) -> dict[tuple[str, str], int]:
    async with client.app[SESSIONS]() as session:
        return {(row.metric, row.key): row.count
                for row in await session.scalars(select(AggregateCount))}


async def test_erasure_removes_everything_about_one_conversation(
    client: Client, databases: Databases,
) -> None:
    secret_id = "sender-to-erase-7f3a"
    handoff_id = await ingest_handoff(client, secret_id)
    await ingest_handoff(client, "someone-else")
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    case = f"/staff/cases/{handoff_id}"
    await submit(client, case, f"{case}/claim")
    await submit(client, case, f"{case}/note", {"body": "Called back; no answer."})
    now = dt.datetime.now(dt.UTC).timestamp()
    add_tracker_events(databases.tracker_url, secret_id, [now - 60, now])
    add_tracker_events(databases.tracker_url, "someone-else", [now])
    counts_before = await _counts(client)

    response = await client.delete(f"/api/v1/conversations/{secret_id}", headers=AUTH)

    assert response.status == 204
    assert await count(client.app, Referral) == 1
    assert await count(client.app, Handoff) == 1
    assert await count(client.app, Note) == 0
    assert tracker_senders(databases.tracker_url) == ["someone-else"]
    assert await _counts(client) == counts_before, "anonymous counts stay"
    [entry] = await _audit(client, "conversation.erased")
    assert entry.actor_kind == "service"
    assert entry.detail == "referrals=1 handoffs=1 notes=1 transcript_events=2"
    async with client.app[SESSIONS]() as session:
        for row in await session.scalars(select(AuditEntry)):
            assert secret_id not in " ".join(str(v) for v in vars(row).values())


async def test_erasure_is_idempotent(client: Client) -> None:
    await ingest_handoff(client, "twice")
    first = await client.delete("/api/v1/conversations/twice", headers=AUTH)
    second = await client.delete("/api/v1/conversations/twice", headers=AUTH)
    never = await client.delete("/api/v1/conversations/never-existed", headers=AUTH)
    assert (first.status, second.status, never.status) == (204, 204, 204)
    assert [e.detail for e in await _audit(client, "conversation.erased")] == [
        "referrals=1 handoffs=1 notes=0 transcript_events=0",
        "referrals=0 handoffs=0 notes=0 transcript_events=0",
        "referrals=0 handoffs=0 notes=0 transcript_events=0",
    ]


async def test_a_replay_after_erasure_does_not_bring_data_back(client: Client) -> None:
    event = handoff_event("erased-then-replayed")
    first = await post_event(client, event)
    await client.delete("/api/v1/conversations/erased-then-replayed", headers=AUTH)
    replay = await post_event(client, event)
    assert replay.status == 200
    assert await replay.json() == await first.json()
    assert await count(client.app, Referral) == 0
    assert await count(client.app, AppliedEvent) == 1


async def test_erasure_fails_whole_when_the_tracker_store_is_down(
    make_client: MakeClient,
) -> None:
    client = await make_client(
        TRACKER_DATABASE_URL="postgresql://postgres@127.0.0.1:9/unreachable")
    await ingest_handoff(client, "keep-until-retried")
    response = await client.delete("/api/v1/conversations/keep-until-retried", headers=AUTH)
    assert response.status == 503
    assert response.headers["Retry-After"]
    assert await count(client.app, Referral) == 1, "nothing is half-erased; the outbox retries"


async def test_a_failed_erasure_is_kept_retried_and_shown_to_admins(
    make_client: MakeClient, databases: Databases,
) -> None:
    broken = await make_client(
        TRACKER_DATABASE_URL="postgresql://postgres@127.0.0.1:9/unreachable")
    await ingest_handoff(broken, "erase-me-later")
    for _ in range(2):
        response = await broken.delete("/api/v1/conversations/erase-me-later", headers=AUTH)
        assert response.status == 503
    async with broken.app[SESSIONS]() as session:
        kept = (await session.scalars(select(PendingErasure))).one()
    assert kept.attempts == 2 and kept.last_error == "OperationalError"
    assert "erase-me-later" not in kept.conversation_id_enc, "kept encrypted"
    await add_staff(broken.app, "admin@example.org", role="admin",
                    totp_secret=pyotp.random_base32())
    await add_staff(broken.app, "ana@example.org")
    await login(broken, "ana@example.org")
    assert "could not be completed" not in await (await broken.get("/staff/queue")).text(), \
        "advisors are not told"
    admin = await make_client(
        TRACKER_DATABASE_URL="postgresql://postgres@127.0.0.1:9/unreachable",
        MFA_ROLES="")
    await login(admin, "admin@example.org")
    banner = await (await admin.get("/staff/queue")).text()
    assert "1 erasure request could not be completed" in banner and "OperationalError" in banner
    # The tracker store is back: the retention run finishes the erasure.
    fixed = await make_client()
    done = await retry_all(fixed.app[SESSIONS], fixed.app[VAULT], fixed.app[TRACKER],
                           fixed.app[CLOCK]())
    assert done == 1
    assert await count(fixed.app, Referral) == 0
    assert await count(fixed.app, PendingErasure) == 0
    assert len(await _audit(fixed, "conversation.erasure_retried")) == 1


async def test_withdrawal_closes_the_handoff_and_deletes_its_details(client: Client) -> None:
    handoff_id = await ingest_handoff(client, "changed-mind")
    response = await client.post("/api/v1/conversations/changed-mind/withdraw", headers=AUTH)
    assert response.status == 200
    body = await response.json()
    assert body["handoff_id"] == handoff_id
    assert body["status"] == "withdrawn"
    async with client.app[SESSIONS]() as session:
        handoff = (await session.scalars(select(Handoff))).one()
        referral = (await session.scalars(select(Referral))).one()
    assert handoff.status == "withdrawn"
    assert handoff.closed_at is not None
    assert (handoff.summary_enc, handoff.contact_details_enc, handoff.safe_time_enc) == (
        None, None, None)
    assert (referral.consent, referral.consent_at) == (False, None)
    assert len(await _audit(client, "handoff.withdrawn")) == 1
    assert (await _counts(client))[("outcomes", "withdrawn")] == 1


async def test_withdrawal_deletes_the_staff_notes_too(client: Client) -> None:
    handoff_id = await ingest_handoff(client, "changed-mind")
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    case = f"/staff/cases/{handoff_id}"
    await submit(client, case, f"{case}/claim")
    await submit(client, case, f"{case}/note", {"body": "Called back; she may report it."})
    assert await count(client.app, Note) == 1
    await client.post("/api/v1/conversations/changed-mind/withdraw", headers=AUTH)
    assert await count(client.app, Note) == 0
    [entry] = await _audit(client, "handoff.withdrawn")
    assert entry.detail == "notes=1"


async def test_withdrawing_twice_is_harmless(client: Client) -> None:
    await ingest_handoff(client, "changed-mind")
    await client.post("/api/v1/conversations/changed-mind/withdraw", headers=AUTH)
    again = await client.post("/api/v1/conversations/changed-mind/withdraw", headers=AUTH)
    assert again.status == 200
    assert (await again.json())["handoff_id"] is None
    assert (await _counts(client))[("outcomes", "withdrawn")] == 1


async def test_a_new_request_after_withdrawal_opens_a_new_handoff(client: Client) -> None:
    first = await ingest_handoff(client, "asked-again")
    await client.post("/api/v1/conversations/asked-again/withdraw", headers=AUTH)
    second = await ingest_handoff(client, "asked-again")
    assert first != second
    assert await count(client.app, Handoff, Handoff.status == "new") == 1


async def test_a_withdrawn_case_shows_no_details_or_transcript(
    make_client: MakeClient, fake_rasa: FakeRasa,
) -> None:
    client = await make_client(RASA_URL=fake_rasa.url)
    handoff_id = await ingest_handoff(client, "withdrawn-case", summary="Private summary")
    await client.post("/api/v1/conversations/withdrawn-case/withdraw", headers=AUTH)
    await add_staff(client.app, "sup@example.org", role="supervisor")
    await login(client, "sup@example.org")
    page = await (await client.get(f"/staff/cases/{handoff_id}")).text()
    assert "withdrew" in page
    assert "Private summary" not in page
    assert fake_rasa.requests == []
