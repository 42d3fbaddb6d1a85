"""The action server is down: the person gets a gentle message with the main helplines for
their country, from the service directory, not silence; when it is back, so is the
assistant."""

from __future__ import annotations

import aiohttp
import pytest

from bot.assistant import degraded
from bot.bench.production import Cluster
from bot.directory import Person, cached_directory
from tests.scale.conversation import Conversation

pytestmark = pytest.mark.asyncio(loop_scope="package")


def phones(person: Person) -> list[str]:
    return [s.contact.phone for s in degraded.helplines(person) if s.contact.phone]


async def test_without_actions_the_person_still_gets_the_helplines(cluster: Cluster):
    rasa = cluster.rasa_urls[0]
    async with aiohttp.ClientSession() as session:
        chat = Conversation(session)
        await chat.say(rasa, "I live in Ireland")
        await cluster.stop("actions")
        try:
            for text in ("how do i get the pictures taken down", "i just want to die"):
                reply = await chat.say(rasa, text)
                assert "part of this service isn't working" in reply
                ireland = Person(country="IE")
                assert f"please call {cached_directory().jurisdiction('IE').emergency}" in reply
                assert phones(ireland) and all(p in reply for p in phones(ireland))
                assert reply.count("isn't working") == 1  # said once, however many failed
        finally:
            await cluster.start("actions")
        # Once the actions are back, the conversation carries on with what was said before.
        back = await chat.say(rasa, "it's on instagram")
        assert "Instagram" in back and "Hotline.ie" in back  # Ireland, from before
        assert "isn't working" not in back
        assert "Report Remove" not in await chat.say(rasa, "I'm 25")

