"""The ingest API: created, updated, replayed, merged, raced."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select

from bot.backend.keys import SESSIONS
from bot.backend.storage.models import AggregateCount, AppliedEvent, AuditEntry, Handoff, Referral

from .support import (
    AUTH,
    Client,
    MakeClient,
    count,
    handoff_event,
    iso,
    post_event,
    referral_event,
)

pytestmark = pytest.mark.asyncio


async def _referral(client: Client) -> Referral:
    async with client.app[SESSIONS]() as session:
        return (await session.scalars(select(Referral))).one()


async def test_a_new_referral_is_created_with_201(client: Client) -> None:
    event = referral_event()
    response = await post_event(client, event)
    assert response.status == 201
    body = await response.json()
    assert body["id"] == event["id"]
    assert body["handoff_id"] is None
    referral = await _referral(client)
    assert str(referral.id) == body["referral_id"]
    assert referral.routes_offered == ["evidence", "takedown"]  # vocabulary order
    assert await count(client.app, AppliedEvent) == 1


async def test_a_replay_returns_the_same_result_and_writes_nothing(client: Client) -> None:
    event = handoff_event()
    first = await post_event(client, event)
    assert first.status == 201
    rows = [await count(client.app, model)
            for model in (Referral, Handoff, AppliedEvent, AuditEntry, AggregateCount)]
    async with client.app[SESSIONS]() as session:
        totals = sorted((c.metric, c.key, c.count)
                        for c in await session.scalars(select(AggregateCount)))
    again = await post_event(client, event)
    assert again.status == 200
    assert await again.json() == await first.json()
    assert rows == [await count(client.app, model)
                    for model in (Referral, Handoff, AppliedEvent, AuditEntry, AggregateCount)]
    async with client.app[SESSIONS]() as session:
        assert totals == sorted((c.metric, c.key, c.count)
                                for c in await session.scalars(select(AggregateCount)))


async def test_later_events_update_one_referral(client: Client) -> None:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)
    first = await post_event(client, referral_event(at=start, risk_flags=["crisis"],
                                                    jurisdiction=None))
    second = await post_event(client, referral_event(
        at=start + dt.timedelta(minutes=5), risk_flags=["under_18"], age_band="under_18",
        jurisdiction="GB-SCT", routes_offered=["police"], platforms=["tiktok"],
        situation="unknown"))
    assert (first.status, second.status) == (201, 200)
    assert (await first.json())["referral_id"] == (await second.json())["referral_id"]
    referral = await _referral(client)
    assert referral.risk_flags == ["crisis", "under_18"]
    assert referral.routes_offered == ["evidence", "takedown", "police"]
    assert referral.platforms == ["instagram", "tiktok"]
    assert referral.jurisdiction == "GB-SCT"
    assert referral.age_band == "under_18"
    assert referral.situation == "shared", "unknown must not erase a known value"
    assert referral.risk_level == 1


async def test_a_late_event_cannot_overwrite_newer_triage(client: Client) -> None:
    now = dt.datetime.now(dt.UTC)
    await post_event(client, referral_event(at=now, jurisdiction="IE"))
    late = await post_event(client, referral_event(at=now - dt.timedelta(hours=1),
                                                   jurisdiction="US", risk_flags=["sextortion"]))
    assert late.status == 200
    referral = await _referral(client)
    assert referral.jurisdiction == "IE"
    assert referral.risk_flags == ["sextortion"], "flags are merged whatever the order"


async def test_jurisdiction_counts_follow_the_latest_value(client: Client) -> None:
    now = dt.datetime.now(dt.UTC)
    await post_event(client, referral_event(at=now - dt.timedelta(minutes=1), jurisdiction=None))
    await post_event(client, referral_event(at=now, jurisdiction="AU"))
    async with client.app[SESSIONS]() as session:
        rows = {(c.key, c.count) for c in await session.scalars(
            select(AggregateCount).where(AggregateCount.metric == "referrals_by_jurisdiction"))}
    assert rows == {("unknown", 0), ("AU", 1)}


async def test_a_handoff_is_created_then_updated_while_open(client: Client) -> None:
    first = await post_event(client, handoff_event(summary="first version"))
    second = await post_event(client, handoff_event(summary="second version"))
    assert (first.status, second.status) == (201, 200)
    assert (await first.json())["handoff_id"] == (await second.json())["handoff_id"]
    async with client.app[SESSIONS]() as session:
        handoff = (await session.scalars(select(Handoff))).one()
        assert handoff.status == "new"
    assert await count(client.app, Handoff) == 1


async def test_a_referral_with_consent_keeps_it_until_withdrawn(client: Client) -> None:
    await post_event(client, handoff_event())
    await post_event(client, referral_event())  # a later event without consent
    referral = await _referral(client)
    assert referral.consent is True
    assert referral.consent_at is not None


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer wrong-token-wrong-token-wrong-token-1234"},
    {"Authorization": AUTH["Authorization"].replace("Bearer", "Basic")},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer tökén"},
])
async def test_the_service_token_is_required(client: Client,
                                             headers: dict[str, str]) -> None:
    event = referral_event()
    for response in (
        await client.post("/api/v1/events", json=event, headers=headers),
        await client.delete("/api/v1/conversations/conv-1", headers=headers),
        await client.post("/api/v1/conversations/conv-1/withdraw", headers=headers),
    ):
        assert response.status == 401
        assert (await response.json())["error"] == "unauthorized"
    assert await count(client.app, Referral) == 0


GATEWAY_TOKEN = "gateway-token-Wq8Zm3Kx7Rb2Nc5Vt9Lp4Hs6"


async def test_the_gateways_token_can_only_report_that_a_person_left(
        make_client: MakeClient) -> None:
    client = await make_client(BACKEND_GATEWAY_TOKEN=GATEWAY_TOKEN)
    gateway = {"Authorization": f"Bearer {GATEWAY_TOKEN}"}
    await post_event(client, handoff_event("tg-1"))
    left = await client.post("/api/v1/conversations/tg-1/left", headers=gateway)
    assert left.status == 204
    for response in (
        await client.post("/api/v1/events", json=referral_event("tg-2"), headers=gateway),
        await client.delete("/api/v1/conversations/tg-1", headers=gateway),
        await client.post("/api/v1/conversations/tg-1/withdraw", headers=gateway),
    ):
        assert response.status == 401
    assert await count(client.app, Referral) == 1
    assert await count(client.app, Handoff, Handoff.status == "new") == 1


async def test_concurrent_first_events_make_one_referral(client: Client) -> None:
    responses = await asyncio.gather(*(
        post_event(client, handoff_event("racing", summary=f"version {n}")) for n in range(12)
    ))
    assert sorted(r.status for r in responses).count(201) == 1
    assert all(r.status in (200, 201) for r in responses)
    assert {(await r.json())["handoff_id"] for r in responses} != {None}
    assert await count(client.app, Referral) == 1
    assert await count(client.app, Handoff) == 1
    assert await count(client.app, AppliedEvent) == 12


async def test_concurrent_replays_apply_once(client: Client) -> None:
    event = referral_event("replayed")
    responses = await asyncio.gather(*(post_event(client, event) for _ in range(8)))
    assert sorted(r.status for r in responses) == [200] * 7 + [201]
    assert len({(await r.json())["referral_id"] for r in responses}) == 1
    assert await count(client.app, AppliedEvent) == 1


async def test_created_at_is_stored_in_utc(client: Client) -> None:
    moment = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    await post_event(client, referral_event(created_at=moment.isoformat()))
    referral = await _referral(client)
    assert referral.created_at == moment
    assert iso(referral.created_at) == "2026-11-20T07:30:00Z"
