"""The backend is down while referrals are logged: every one arrives after it comes back,
none twice."""

from __future__ import annotations

import asyncio
from typing import Dict, List

import aiohttp
import pytest

from bot.bench.production import Cluster, fetch_all
from tests.scale.conversation import Conversation

pytestmark = pytest.mark.asyncio(loop_scope="package")

JOURNEYS = [
    ["I'm 25 and live in England", "someone shared my nudes", "/ask_evidence"],
    ["my ex is threatening to share my pictures", "/ask_evidence", "im 17"],
    ["/request_human", "/affirm", '/inform_contact_method{"contact_method": "email"}',
     "sam@example.org", "evenings", "Pictures of me are on a forum", "/affirm"],
]


def counts(cluster: Cluster) -> Dict[str, int]:
    """The backend's anonymous counts: bumped once for each referral and handoff created."""
    rows = fetch_all(cluster.env["DATABASE_URL"],
                     "SELECT metric, SUM(count) FROM aggregate_counts "
                     "WHERE metric IN ('referrals', 'handoffs') GROUP BY metric")
    return {"referrals": 0, "handoffs": 0, **{m: int(n) for m, n in rows}}


def queued_ids(cluster: Cluster) -> List[str]:
    return [str(row[0]) for row in fetch_all(cluster.env["OUTBOX_DATABASE_URL"],
                                             "SELECT id FROM outbox WHERE dead = 0")]


async def drained(cluster: Cluster, seconds: float = 30.0) -> List[str]:
    """Waits until the relay has delivered everything; returns what is still queued."""
    for _ in range(int(seconds / 0.2)):
        if not queued_ids(cluster):
            break
        await asyncio.sleep(0.2)
    return queued_ids(cluster)


async def test_referrals_logged_while_the_backend_is_down_arrive_once(cluster: Cluster):
    backend = cluster.env["DATABASE_URL"]
    assert await drained(cluster) == []  # nothing from earlier tests still on its way
    before = fetch_all(backend, "SELECT COUNT(*) FROM referrals")[0][0]
    counted_before = counts(cluster)
    await cluster.stop("backend")
    try:
        async with aiohttp.ClientSession() as session:
            for journey in JOURNEYS:
                chat = Conversation(session)
                for text in journey:
                    assert await chat.say(cluster.rasa_urls[0], text)
        await asyncio.sleep(2)  # the relay has tried, and failed, to deliver
        queued = queued_ids(cluster)
        assert len(queued) >= len(JOURNEYS)  # every journey logged at least one event
    finally:
        await cluster.start("backend")

    assert await drained(cluster) == []  # retried with backoff: seconds here
    applied = {str(row[0]) for row in fetch_all(backend, "SELECT id FROM ingest_events")}
    assert set(queued) <= applied  # each queued event was applied...
    assert fetch_all(backend, "SELECT COUNT(*) FROM referrals")[0][0] == before + len(JOURNEYS)
    assert counts(cluster) == {"referrals": counted_before["referrals"] + len(JOURNEYS),
                               "handoffs": counted_before["handoffs"] + 1}  # ...once
