"""The Rasa server is killed in the middle of a conversation and started again: the
conversation continues where it was, from the SQL tracker store."""

from __future__ import annotations

import signal

import aiohttp
import pytest

from bot.bench.production import Cluster
from tests.scale.conversation import Conversation

pytestmark = pytest.mark.asyncio(loop_scope="package")


async def test_a_conversation_continues_after_rasa_is_killed(cluster: Cluster):
    rasa = cluster.rasa_urls[0]
    async with aiohttp.ClientSession() as session:
        chat = Conversation(session)
        await chat.say(rasa, "I live in Australia and I'm 30")
        await chat.say(rasa, "/request_human")
        assert "safe way for them to reach you" in await chat.say(rasa, "/affirm")

        await cluster.stop("rasa-1", signal.SIGKILL)  # no chance to tidy up
        await cluster.start("rasa-1")

        # The form goes on with the next question, and what was said before is known.
        assert "What email address" in await chat.say(
            rasa, '/inform_contact_method{"contact_method": "email"}')
        assert "When is it safe" in await chat.say(rasa, "robin@example.org")
        danger = await chat.say(rasa, "he's outside my house right now")
        assert danger.startswith("If you are in danger right now, please call 000")
