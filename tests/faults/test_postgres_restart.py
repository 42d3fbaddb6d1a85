"""PostgreSQL is restarted under the running services: the very next requests succeed
(pooled connections are checked before use), on the backend and on Rasa."""

from __future__ import annotations

import datetime as dt
import uuid

import aiohttp
import pytest

from bot.bench.production import Cluster
from tests.faults.machine import restart_postgres
from tests.scale.conversation import Conversation

pytestmark = pytest.mark.asyncio(loop_scope="package")


def referral(conversation: str) -> dict:
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    return {"id": str(uuid.uuid4()), "kind": "referral", "conversation_id": conversation,
            "channel": "rest", "created_at": now, "jurisdiction": "GB", "age_band": "adult",
            "role": "self", "situation": "shared", "perpetrator": "unknown",
            "risk_flags": [], "routes_offered": ["support"], "services_offered": [],
            "platforms": [], "consent": False, "consent_at": None, "handoff": None}


async def ingest(session: aiohttp.ClientSession, cluster: Cluster, conversation: str) -> int:
    headers = {"Authorization": f"Bearer {cluster.env['BACKEND_SERVICE_TOKEN']}"}
    async with session.post(f"{cluster.env['BACKEND_URL']}/api/v1/events",
                            json=referral(conversation), headers=headers) as response:
        return response.status


async def test_the_next_requests_succeed_after_a_database_restart(cluster: Cluster):
    rasa = cluster.rasa_urls[0]
    async with aiohttp.ClientSession() as session:
        chat = Conversation(session)
        await chat.say(rasa, "I live in Wales")
        assert await ingest(session, cluster, f"pg-{uuid.uuid4().hex}") == 201  # pool warm

        restart_postgres()

        async with session.get(f"{cluster.env['BACKEND_URL']}/healthz") as response:
            assert response.status == 200
        assert await ingest(session, cluster, f"pg-{uuid.uuid4().hex}") == 201
        question = await chat.say(rasa, "/ask_police")
        assert "didn't reach me" not in question
        assert "Where do you live" not in question  # the conversation was not lost
        assert "101" in await chat.say(rasa, "I'm 30")  # the police in Wales
