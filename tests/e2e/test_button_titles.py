"""Every button the assistant offers, typed as text instead of pressed, is understood as
that button: the same intent and entities as its payload, through the real NLU."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from bot.registry import button_titles
from bot.registry import parse_payload
from tests.support.chat import Chat, last_parse

ROOT = Path(__file__).resolve().parents[2]
TITLES = sorted(button_titles(ROOT / "domain", ROOT / "data" / "journeys" / "registry.yml")
                .values())


@pytest.mark.parametrize("title,payload", TITLES, ids=[t for t, _ in TITLES])
async def test_a_typed_title_is_its_button(servers, title, payload):
    intent, entities = parse_payload(payload)
    async with aiohttp.ClientSession() as session:
        chat = Chat(session, servers.rasa)
        await chat.say(title)
        parsed = await last_parse(session, servers.rasa, servers.env["RASA_TOKEN"], chat.sender)
    assert parsed["intent"]["name"] == intent, (title, parsed["intent"])
    found = {(e["entity"], e["value"]) for e in parsed["entities"]}
    assert set(entities.items()) <= found, (title, found)


def test_every_title_is_walked():
    assert len(TITLES) >= 40
