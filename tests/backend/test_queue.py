"""The queue: priority from risk flags and waiting time, then longest waiting first."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from .support import (
    Client,
    Clock,
    add_staff,
    ingest_handoff,
    login,
    submit,
)

pytestmark = pytest.mark.asyncio


def _case_ids(html: str) -> list[str]:
    return re.findall(r'href="/staff/cases/([0-9a-f-]{36})"', html)


async def _handoff(client: Client, name: str, hours_ago: float, flags: list[str],
                   clock: Clock) -> str:
    return await ingest_handoff(client, name, at=clock.now - dt.timedelta(hours=hours_ago),
                                risk_flags=flags)


async def test_the_queue_sorts_by_priority_then_waiting_time(
    client: Client, clock: Clock,
) -> None:
    standard_old = await _handoff(client, "standard-old", 5, [], clock)
    standard_new = await _handoff(client, "standard-new", 1, [], clock)
    high = await _handoff(client, "high", 0.5, ["under_18"], clock)
    urgent_new = await _handoff(client, "urgent-new", 0.1, ["crisis"], clock)
    urgent_old = await _handoff(client, "urgent-old", 2, ["immediate_danger"], clock)
    # Waiting 49 hours lifts a standard case two levels, above a high case that just came in.
    escalated = await _handoff(client, "escalated", 49, [], clock)
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    html = await (await client.get("/staff/queue")).text()
    assert _case_ids(html) == [escalated, urgent_old, urgent_new, high, standard_old,
                               standard_new]
    assert html.count(">Urgent<") == 3


async def test_waiting_raises_priority_one_level_per_period(
    client: Client, clock: Clock,
) -> None:
    await _handoff(client, "waiting", 1, [], clock)
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    assert ">Standard<" in await (await client.get("/staff/queue")).text()
    clock.advance(hours=24)
    await login(client, "ana@example.org")  # the old session has long gone idle
    assert ">High<" in await (await client.get("/staff/queue")).text()
    clock.advance(hours=24)
    await login(client, "ana@example.org")
    assert ">Urgent<" in await (await client.get("/staff/queue")).text()


async def test_closed_cases_leave_the_queue_and_mine_shows_my_cases(
    client: Client, clock: Clock,
) -> None:
    mine = await _handoff(client, "mine", 2, [], clock)
    other = await _handoff(client, "other", 1, [], clock)
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    case = f"/staff/cases/{mine}"
    await submit(client, case, f"{case}/claim")
    assert _case_ids(await (await client.get("/staff/queue?view=mine")).text()) == [mine]
    await submit(client, case, f"{case}/resolve", {"outcome": "advice_given"})
    assert _case_ids(await (await client.get("/staff/queue")).text()) == [other]


async def test_the_queue_pages_fifty_at_a_time(client: Client, clock: Clock) -> None:
    for n in range(52):
        await _handoff(client, f"conv-{n}", 60 - n, [], clock)
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    first = await (await client.get("/staff/queue")).text()
    second = await (await client.get("/staff/queue?page=2")).text()
    assert len(_case_ids(first)) == 50
    assert len(_case_ids(second)) == 2
    assert "Page 2 of 2" in second
    assert not set(_case_ids(first)) & set(_case_ids(second))
