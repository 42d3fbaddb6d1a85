"""A due reminder: triggered in Rasa with the backend's token, what the assistant said sent
through the gateway; refused for other channels, retried later while staff have taken over,
dropped for a person who blocked the bot. Rasa and the gateway are small fakes here; the
whole path runs for real in tests/telegram/test_reminders.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer

from .support import AUTH, RASA_TOKEN, MakeClient

pytestmark = pytest.mark.asyncio
CONVERSATION = "tg-reminder-conversation-1"


class Fakes:
    """What Rasa says when the reminder is triggered, and what the gateway answers."""

    def __init__(self) -> None:
        self.said: list[str] = ["You asked me to remind you: check the reddit post."]
        self.gateway_status = 202
        self.triggered: list[dict[str, Any]] = []
        self.delivered: list[dict[str, Any]] = []
        self.url = ""


@pytest_asyncio.fixture
async def fakes(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> AsyncIterator[Fakes]:
    fake = Fakes()

    async def trigger(request: web.Request) -> web.Response:
        assert request.headers["Authorization"] == f"Bearer {RASA_TOKEN}"
        fake.triggered.append(await request.json())
        return web.json_response({"tracker": {}, "messages": [
            {"recipient_id": request.match_info["sender"], "text": t} for t in fake.said]})

    async def deliver(request: web.Request) -> web.Response:
        fake.delivered.append(await request.json())
        return web.json_response({}, status=fake.gateway_status)

    app = web.Application()
    app.router.add_post("/conversations/{sender}/trigger_intent", trigger)
    app.router.add_post("/internal/v1/messages", deliver)
    server = await aiohttp_server(app)
    fake.url = str(server.make_url("")).rstrip("/")
    yield fake


async def _post(make_client: MakeClient, fakes: Fakes, conversation: str = CONVERSATION):
    client = await make_client(RASA_URL=fakes.url, TELEGRAM_GATEWAY_URL=fakes.url,
                               TELEGRAM_INTERNAL_TOKEN="gateway-internal-token-0123456789-abc")
    return await client.post(f"/api/v1/conversations/{conversation}/reminder",
                             json={"text": "check the reddit post", "entry": 1}, headers=AUTH)


async def test_a_due_reminder_is_said_by_the_assistant_on_telegram(make_client, fakes):
    response = await _post(make_client, fakes)
    assert response.status == 202
    assert fakes.triggered == [{"name": "EXTERNAL_case_reminder", "entities": {
        "reminder_text": "check the reddit post", "log_entry": 1}}]
    assert fakes.delivered == [{"conversation_id": CONVERSATION, "text": fakes.said[0]}]


async def test_other_channels_are_refused(make_client, fakes):
    assert (await _post(make_client, fakes, "web-someone")).status == 404
    assert fakes.triggered == []


async def test_while_staff_have_taken_over_it_waits(make_client, fakes):
    fakes.said = []
    assert (await _post(make_client, fakes)).status == 409


async def test_a_person_who_blocked_the_bot_is_told_nothing_more(make_client, fakes):
    fakes.gateway_status = 410
    assert (await _post(make_client, fakes)).status == 410
