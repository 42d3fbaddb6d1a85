"""One conversation handled by two Rasa servers in turn stays one coherent conversation.

The servers share nothing but the tracker store (PostgreSQL) and the lock store (Redis),
as Rasa replicas do in production (deploy/k8s/). Each keeps its own in-memory copy of the
trackers it saved (bot/assistant/tracker_store.py), so these tests also check that a copy
is never used once the other server has moved the conversation on.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import aiohttp
import pytest

from bot.bench.production import Cluster, fetch_all, redis_client
from tests.scale.conversation import Conversation, as_replies, stored_events

pytestmark = pytest.mark.asyncio(loop_scope="module")


def of_type(events: List[Dict[str, Any]], kind: str) -> List[Dict[str, Any]]:
    return [e for e in events if e["event"] == kind]


async def test_a_conversation_alternating_between_servers_stays_coherent(cluster: Cluster):
    one, two = cluster.rasa_urls
    async with aiohttp.ClientSession() as session:
        chat = Conversation(session)
        assert "not your fault" in await chat.say(
            one, "im 16 and live in wales, my ex posted fake nudes of me on insta")
        takedown = await chat.say(two, "/ask_takedown")
        # What was volunteered on one server is known on the other, and not asked again.
        assert "Report Remove" in takedown and "Instagram" in takedown
        assert "under 18?" not in takedown and "Where do you live" not in takedown

        # A form started on one server continues on the other, question by question.
        assert "Is that OK?" in await chat.say(one, "/request_human")
        assert "safe way for them to reach you" in await chat.say(two, "/affirm")
        assert "What email address" in await chat.say(
            one, '/inform_contact_method{"contact_method": "email"}')
        assert "When is it safe" in await chat.say(two, "alex.scale@example.org")
        assert "what would you like the team to know" in await chat.say(one, "evenings")
        summary = await chat.say(two, "Fakes of me are on a forum")
        assert "Fakes of me are on a forum" in summary
        assert "alex.scale@example.org" in summary and "evenings" in summary
        assert "passed your note to the team" in await chat.say(one, "/affirm")

        for server in (one, two):  # both servers see the same conversation
            events = await stored_events(session, server, cluster.env["RASA_TOKEN"],
                                         chat.sender)
            assert [e["text"] for e in of_type(events, "user")] == chat.sent
            assert as_replies(of_type(events, "bot")) == chat.replies

    rows = fetch_all(cluster.env["TRACKER_DATABASE_URL"],
                     "SELECT COUNT(*), COUNT(DISTINCT id) FROM events WHERE sender_id = %s",
                     (chat.sender,))
    assert rows[0] == (len(events), len(events))  # every event stored once, none lost


async def test_messages_arriving_together_on_two_servers_are_handled_one_at_a_time(
        cluster: Cluster):
    one, two = cluster.rasa_urls
    async with aiohttp.ClientSession() as session:
        chat = Conversation(session)
        await chat.say(one, "hi")
        # Without the shared lock both servers would start from the same state and each
        # store a turn that never saw the other's message.
        await asyncio.gather(chat.say(one, "/request_human"), chat.say(two, "/ask_evidence"))
        events = await stored_events(session, one, cluster.env["RASA_TOKEN"], chat.sender)

    assert sorted(e["text"] for e in of_type(events, "user")) == sorted(chat.sent)
    turns = turn_spans(events)
    assert len(turns) == 3
    for earlier, later in zip(turns, turns[1:]):
        assert earlier[1] <= later[0], "two turns of one conversation overlapped in time"
    assert not list(redis_client().scan_iter(match=f"{cluster.dbs.redis_prefix}:*")), \
        "a lock was left behind"


def turn_spans(events: List[Dict[str, Any]]) -> List[List[float]]:
    """[first, last] timestamp of each turn: a user message and everything up to the next."""
    spans: List[List[float]] = []
    for event in events:
        if event["event"] == "user":
            spans.append([event["timestamp"], event["timestamp"]])
        elif spans:
            spans[-1][1] = max(spans[-1][1], event["timestamp"])
    return spans
