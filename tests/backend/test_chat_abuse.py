"""Abuse of the web chat: typed payloads, forged buttons, floods from one address, a busy
assistant, and fake handoffs. Real people from other addresses are still served."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.backend.keys import SESSIONS
from bot.backend.storage.models import AuditEntry, Handoff

from .conftest import REDIS_URL
from .live_support import (
    RasaDouble,
    chat_client,
    own_origin,
    rasa,  # noqa: F401 (fixture)
    say_hello,
    sqlite_databases,  # noqa: F401 (fixture)
)
from .support import AUTH, Client, Clock, Databases, count, handoff_event, post_event

pytestmark = pytest.mark.asyncio
Socket = aiohttp.ClientWebSocketResponse
FLOODER = "203.0.113.66"
LIMITS = {"TRUSTED_PROXIES": "127.0.0.1/32,::1/128", "WIDGET_SESSIONS_PER_IP": "5",
          "WIDGET_CONNECTIONS_PER_IP": "3", "HANDOFFS_PER_IP": "2"}
CRISIS = "If you are in danger right now"


async def connect(client: Client, address: str = "198.51.100.1") -> Socket:
    return await client.ws_connect("/chat/ws", headers={
        "Origin": own_origin(client), "X-Forwarded-For": address})


async def frames_until_quiet(socket: Socket, seconds: float = 0.5) -> list[dict[str, Any]]:
    frames = []
    while True:
        try:
            message = await socket.receive(timeout=seconds)
        except TimeoutError:
            return frames
        if message.type != aiohttp.WSMsgType.TEXT:
            return frames
        frames.append(json.loads(message.data))


async def turn(socket: Socket, frame: dict[str, Any]) -> list[dict[str, Any]]:
    await socket.send_json(frame)
    frames = []
    while frames[-1:] != [{"type": "typing", "on": False}]:
        frames.append(json.loads((await socket.receive(timeout=5)).data))
        if frames[-1]["type"] == "error":
            return frames
    return frames


def sent(rasa: RasaDouble, sender: str | None = None) -> list[str]:
    return [b["message"] for b in rasa.webhook if sender is None or b["sender"] == sender]


def sender_of(session: dict[str, Any]) -> str:
    return "web-" + session["session"].split(".")[0]


@pytest.fixture
async def client(aiohttp_client: Any, sqlite_databases: Databases, clock: Clock,
                 rasa: RasaDouble) -> Client:
    return await chat_client(aiohttp_client, sqlite_databases, clock, rasa, **LIMITS)


@pytest.mark.parametrize("typed, reaches_rasa", [
    ("/affirm", "affirm"),
    ('/inform_country{"country": "AU"}', 'inform_country{"country": "AU"}'),
    ("/ /crisis_self_harm", "crisis_self_harm"),
    ("\u3000/greet", "greet"),
    ("/help me please", "help me please"),
])
async def test_typed_text_starting_with_a_slash_is_text_never_an_intent(
        client: Client, rasa: RasaDouble, typed: str, reaches_rasa: str) -> None:
    socket = await connect(client)
    session = await say_hello(socket)
    await turn(socket, {"type": "message", "text": typed})
    assert sent(rasa, sender_of(session))[1:] == [reaches_rasa]


async def test_slashes_alone_are_an_empty_message(client: Client, rasa: RasaDouble) -> None:
    socket = await connect(client)
    await say_hello(socket)
    refused = await turn(socket, {"type": "message", "text": " / // "})
    assert refused[-1]["code"] == "empty" and sent(rasa) == ["/greet"]


async def test_a_button_is_a_token_that_opens_only_for_its_own_session(
        client: Client, rasa: RasaDouble) -> None:
    ana, ben = await connect(client), await connect(client, "198.51.100.2")
    ana_session, ben_session = await say_hello(ana), await say_hello(ben)
    reply = await turn(ana, {"type": "message", "text": "hello"})
    token = next(f for f in reply if f["type"] == "message")["buttons"][0]["choice"]
    assert "affirm" not in token
    await turn(ana, {"type": "choice", "choice": token})
    assert sent(rasa, sender_of(ana_session)) == ["/greet", "hello", "/affirm"]
    for forged in (token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
                   "/affirm", "x" * 5000):
        refused = await turn(ben, {"type": "choice", "choice": forged})
        assert refused[-1]["code"] in ("choice_expired", "malformed")
    assert sent(rasa, sender_of(ben_session)) == ["/greet"], "nothing from Ben's forgeries"


async def test_a_flood_from_one_address_leaves_other_people_served(
        client: Client, rasa: RasaDouble) -> None:
    # Connections held at once from one address: three, then a kind refusal.
    held = [await connect(client, FLOODER) for _ in range(3)]
    for socket in held:
        await say_hello(socket)
    extra = await connect(client, FLOODER)
    refusal = await frames_until_quiet(extra)
    assert refusal[0]["code"] == "busy" and CRISIS in refusal[1]["text"]
    assert extra.closed or (await extra.receive(timeout=2)).type == aiohttp.WSMsgType.CLOSE
    assert extra.close_code == 4029
    for socket in held:
        await socket.close()
    # New sessions from that address: five an hour (three are used), then refused.
    opened = 0
    for _ in range(6):
        socket = await connect(client, FLOODER)
        await socket.send_json({"type": "hello", "session": None})
        first = json.loads((await socket.receive(timeout=5)).data)
        if first["type"] == "session":
            opened += 1
        else:
            assert first["code"] == "busy"
            assert CRISIS in json.loads((await socket.receive(timeout=5)).data)["text"]
        await socket.close()
    assert opened == 2
    # Meanwhile people elsewhere open sessions and are answered.
    for n in range(5):
        person = await connect(client, f"198.51.100.{10 + n}")
        session = await say_hello(person)
        assert session["type"] == "session"
        reply = await turn(person, {"type": "message", "text": f"help {n}"})
        assert any(f.get("text") == f"echo: help {n}" for f in reply)


async def test_no_more_than_the_allowed_handoffs_are_queued_from_one_address(
        client: Client, rasa: RasaDouble) -> None:
    flood = []
    for _ in range(5):
        socket = await connect(client, FLOODER)
        flood.append(sender_of(await say_hello(socket)))
        await socket.close()
    real = await connect(client, "198.51.100.7")
    real_sender = sender_of(await say_hello(real))
    answers = [await (await post_event(client, handoff_event(sender))).json()
               for sender in flood]
    assert [a["handoff_id"] is not None for a in answers] == [True, True, False, False, False]
    assert {a.get("handoff_limited") for a in answers[2:]} == {"address"}
    queued = await post_event(client, handoff_event(real_sender))
    assert (await queued.json())["handoff_id"] is not None, "a real person's is queued"
    assert await count(client.app, Handoff) == 3
    async with client.app[SESSIONS]() as session:
        limited = list(await session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "handoff.limited")))
    assert limited == ["reason=address"] * 3


async def test_one_conversation_may_queue_only_so_many_handoffs_a_day(
        aiohttp_client: Any, sqlite_databases: Databases, clock: Clock,
        rasa: RasaDouble) -> None:
    client = await chat_client(aiohttp_client, sqlite_databases, clock, rasa,
                               HANDOFFS_PER_CONVERSATION="2")
    for attempt in range(3):
        answer = await (await post_event(client, handoff_event("tg-again"))).json()
        assert (answer["handoff_id"] is not None) == (attempt < 2), attempt
        updated = await (await post_event(client, handoff_event("tg-again"))).json()
        assert updated["handoff_id"] == answer["handoff_id"], "an update is never held back"
        await client.post("/api/v1/conversations/tg-again/withdraw", headers=AUTH)
    assert await count(client.app, Handoff) == 2
    clock.advance(days=1, seconds=1)
    answer = await (await post_event(client, handoff_event("tg-again"))).json()
    assert answer["handoff_id"] is not None, "a day later, again"


async def test_a_busy_assistant_answers_kindly_with_the_crisis_lines(
        aiohttp_client: Any, sqlite_databases: Databases, clock: Clock,
        rasa: RasaDouble) -> None:
    client = await chat_client(aiohttp_client, sqlite_databases, clock, rasa,
                               RASA_MAX_CONCURRENT="1", WIDGET_RASA_TIMEOUT_SECONDS="10")
    ana, ben = await connect(client), await connect(client, "198.51.100.2")
    await say_hello(ana)
    await say_hello(ben)
    rasa.delay = 4.0  # longer than the relay waits for room
    await ana.send_json({"type": "message", "text": "first"})
    await asyncio.sleep(0.2)
    started = asyncio.get_running_loop().time()
    await ben.send_json({"type": "message", "text": "second"})
    frame = json.loads((await ben.receive(timeout=5)).data)
    assert asyncio.get_running_loop().time() - started < 3.5, "told before Rasa is free"
    assert frame.get("type") == "message", frame
    text = frame["text"]
    assert "a lot of people are talking to me" in text and CRISIS in text
    assert sent(rasa).count("second") == 0


async def test_the_address_limits_are_shared_by_every_backend_process(
        aiohttp_client: Any, sqlite_databases: Databases, clock: Clock, rasa: RasaDouble,
        redis_prefix: str) -> None:
    env = {**LIMITS, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": redis_prefix}
    one = await chat_client(aiohttp_client, sqlite_databases, clock, rasa, **env)
    two = await chat_client(aiohttp_client, sqlite_databases, clock, rasa, **env)
    held = [await connect(one, FLOODER), await connect(two, FLOODER),
            await connect(one, FLOODER)]
    for socket in held:
        await say_hello(socket)
    refusal = await frames_until_quiet(await connect(two, FLOODER))
    assert refusal and refusal[0]["code"] == "busy"
    for socket in held:
        await socket.close()
    await asyncio.sleep(0.2)  # the slots are given back as the sockets close
    session = await say_hello(await connect(two, FLOODER))
    assert session["type"] == "session"
