"""Redis (the lock store) is down: the failure is reported clearly, to the person and in
the log, nothing is processed without the lock, and the conversation is intact after."""

from __future__ import annotations

import aiohttp
import pytest

from bot.bench.production import Cluster, fetch_all
from tests.faults.machine import redis_stopped
from tests.scale.conversation import Conversation

pytestmark = pytest.mark.asyncio(loop_scope="package")


def stored(cluster: Cluster, sender: str) -> list:
    return fetch_all(cluster.env["TRACKER_DATABASE_URL"],
                     "SELECT id, data FROM events WHERE sender_id = %s ORDER BY id", (sender,))


async def test_without_redis_no_message_is_processed_and_the_person_is_told(cluster: Cluster):
    rasa = cluster.rasa_urls[0]
    async with aiohttp.ClientSession() as session:
        chat = Conversation(session)
        await chat.say(rasa, "I'm 16 and live in Scotland")
        await chat.say(rasa, "/request_human")
        assert "safe way for them to reach you" in await chat.say(rasa, "/affirm")
        before = stored(cluster, chat.sender)

        with redis_stopped():
            reply = await chat.say(rasa, '/inform_contact_method{"contact_method": "email"}')
            assert "didn't reach me" in reply and "send it again" in reply
            assert "999" in reply and "0800 1111" in reply  # Scotland, under 18: Childline
            assert stored(cluster, chat.sender) == before  # nothing half-done was stored
            log = "".join(cluster.running["rasa-1"].tail)
            assert "lock store unavailable" in log and "ConnectionError" in log
            assert "inform_contact_method" not in log and chat.sender not in log

        # The same message again: the form continues exactly where it was.
        assert "What email address" in await chat.say(
            rasa, '/inform_contact_method{"contact_method": "email"}')
