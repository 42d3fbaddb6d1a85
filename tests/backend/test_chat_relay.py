"""The chat relay (/chat/ws): sessions, resumption, origins, bad input, limits, Rasa down."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from bot.backend.chat.hub import ENDED, NOT_OFFERED, REPLACED
from bot.backend.chat.tokens import SessionTokens
from bot.backend.keys import CHAT

from .live_support import (
    WIDGET_KEY,
    RasaDouble,
    chat_client,
    gateway,  # noqa: F401 (fixture)
    own_origin,
    rasa,  # noqa: F401 (fixture)
    sqlite_databases,  # noqa: F401 (fixture)
    say_hello,
)
from .support import Client, Clock, Databases

Socket = aiohttp.ClientWebSocketResponse


@pytest.fixture
async def client(aiohttp_client: Any, sqlite_databases: Databases, clock: Clock,
                 rasa: RasaDouble) -> Client:
    return await chat_client(aiohttp_client, sqlite_databases, clock, rasa)


async def connect(client: Client, origin: str | None = None) -> Socket:
    return await client.ws_connect("/chat/ws",
                                   headers={"Origin": origin or own_origin(client)})


async def receive(socket: Socket, timeout: float = 5.0) -> dict[str, Any]:
    message = await socket.receive(timeout=timeout)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    frame: dict[str, Any] = json.loads(message.data)
    return frame


async def hello(socket: Socket, token: str | None = None) -> dict[str, Any]:
    return await say_hello(socket, token)


async def turn(socket: Socket, text: str) -> list[dict[str, Any]]:
    """Send a message; collect frames until typing stops."""
    await socket.send_json({"type": "message", "text": text})
    frames = []
    while True:
        frame = await receive(socket)
        frames.append(frame)
        if frame == {"type": "typing", "on": False}:
            return frames


def texts(frames: list[dict[str, Any]]) -> list[str]:
    return [f["text"] for f in frames if f["type"] == "message"]


async def test_a_session_is_issued_and_the_assistant_answers(
    client: Client, rasa: RasaDouble,
) -> None:
    socket = await connect(client)
    session = await hello(socket)
    assert session["type"] == "session" and session["resumed"] is False
    session_id = session["session"].split(".")[0]
    frames = await turn(socket, "hi there")
    assert frames[0] == {"type": "typing", "on": True}
    assert frames[1]["text"] == "echo: hi there"
    assert [b["title"] for b in frames[1]["buttons"]] == ["Yes please"]
    assert "/affirm" not in json.dumps(frames), "the widget gets tokens, never payloads"
    # The relay greets a new session itself; then what the person typed.
    assert rasa.webhook == [{"sender": f"web-{session_id}", "message": message,
                             "metadata": {"channel": "widget"}}
                            for message in ("/greet", "hi there")]
    assert session["session"] not in json.dumps(rasa.webhook), "Rasa never sees the MAC"


async def test_every_new_connection_gets_its_own_unguessable_session(client: Client) -> None:
    tokens = {(await hello(await connect(client)))["session"] for _ in range(5)}
    assert len(tokens) == 5
    assert all(len(token.split(".")[0]) == 43 for token in tokens), "32 random bytes"


async def test_a_dropped_connection_continues_the_same_conversation(
    client: Client, rasa: RasaDouble,
) -> None:
    first = await connect(client)
    token = (await hello(first))["session"]
    await turn(first, "before")
    await first.close()
    second = await connect(client)
    assert await hello(second, token) == {"type": "session", "session": token,
                                          "resumed": True}
    await turn(second, "after")
    assert len({body["sender"] for body in rasa.webhook}) == 1


async def test_replies_that_arrive_while_the_socket_is_down_wait_for_the_widget(
    client: Client, rasa: RasaDouble,
) -> None:
    rasa.delay = 0.5
    first = await connect(client)
    token = (await hello(first))["session"]
    await first.send_json({"type": "message", "text": "are you there"})
    await asyncio.sleep(0.1)
    await first.close()
    await asyncio.sleep(0.8)  # the reply comes back while nobody is connected
    second = await connect(client)
    assert (await hello(second, token))["resumed"] is True
    waiting = [await receive(second), await receive(second)]
    assert waiting[0]["text"] == "echo: are you there" and len(waiting[0]["buttons"]) == 1
    assert waiting[1] == {"type": "typing", "on": False}


@pytest.mark.parametrize("forge", [
    lambda t: "web-abc",
    lambda t: "x" * 43 + ".1700000000." + "y" * 43,
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),   # the MAC changed
    lambda t: "A" + t[1:] if not t.startswith("A") else "B" + t[1:],  # the id changed
    lambda t: SessionTokens("another-key-0123456789-0123456789-xyz", 3600).issue()[0],
    lambda t: t + " ",
    lambda t: 12345,
])
async def test_a_forged_or_altered_session_is_refused(
    client: Client, rasa: RasaDouble, forge: Any,
) -> None:
    genuine = (await hello(await connect(client)))["session"]
    greeted = list(rasa.webhook)
    socket = await connect(client)
    await socket.send_json({"type": "hello", "session": forge(genuine)})
    refused = await receive(socket)
    assert refused["type"] == "error"
    assert refused["code"] in ("session_refused", "malformed")
    await socket.send_json({"type": "message", "text": "let me in"})
    assert (await receive(socket))["code"] == "hello_first"
    assert rasa.webhook == greeted, "nothing reached the assistant"
    assert (await hello(socket))["resumed"] is False, "a fresh session is still possible"


def test_tokens_expire_and_verify_only_with_their_key() -> None:
    now = [1_800_000_000.0]
    tokens = SessionTokens(WIDGET_KEY, max_age_seconds=3600, clock=lambda: now[0])
    token, session_id = tokens.issue()
    assert tokens.verify(token) == session_id
    now[0] += 3599
    assert tokens.verify(token) == session_id
    now[0] += 2
    assert tokens.verify(token) is None
    assert SessionTokens(WIDGET_KEY + "x", 3600, clock=lambda: now[0]).verify(
        SessionTokens(WIDGET_KEY, 3600, clock=lambda: now[0]).issue()[0]) is None


@pytest.mark.parametrize("origin", [None, "https://evil.example", "null",
                                    "http://127.0.0.1.evil.example"])
async def test_other_origins_cannot_open_the_chat(client: Client, origin: str | None) -> None:
    headers = {} if origin is None else {"Origin": origin}
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/chat/ws", headers=headers)
    assert refused.value.status == 403


async def test_configured_charity_sites_may_open_the_chat(
    aiohttp_client: Any, sqlite_databases: Databases, clock: Clock, rasa: RasaDouble,
) -> None:
    client = await chat_client(aiohttp_client, sqlite_databases, clock, rasa,
                               WIDGET_ALLOWED_ORIGINS="https://charity.example, "
                                                      "https://help.charity.example")
    socket = await connect(client, "https://help.charity.example")
    assert (await hello(socket))["type"] == "session"
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await connect(client, "https://charity.example.evil")


@pytest.mark.parametrize(("raw", "code"), [
    ("not json", "malformed"),
    ("[1, 2]", "malformed"),
    ('{"type": 5}', "malformed"),
    ('{"type": "shout"}', "unknown_type"),
    ('{"type": "message"}', "malformed"),
    ('{"type": "message", "text": "hi", "extra": 1}', "malformed"),
    ('{"type": "message", "text": "a", "text": "b"}', "malformed"),
    ('{"type": "message", "text": NaN}', "malformed"),
    ('{"type": "message", "text": ["hi"]}', "malformed"),
    ('{"type": "message", "text": ""}', "empty"),
    ('{"type": "message", "text": "   \\n "}', "empty"),
    ('{"type": "message", "text": "' + "a" * 4001 + '"}', "too_long"),
    ('{"type": "message", "text": "nul \\u0000 here"}', "unreadable"),
    ('{"type": "message", "text": "lone \\ud800 surrogate"}', "unreadable"),
    ('{"type": "message", "text": "bell \\u0007"}', "unreadable"),
    ('{"type": "hello", "session": null}', "malformed"),  # a second hello
    ("[" * 100_000 + "]" * 100_000, "malformed"),  # nesting deep enough to recurse
])
async def test_bad_frames_get_a_kind_error_and_the_chat_carries_on(
    client: Client, rasa: RasaDouble, raw: str, code: str,
) -> None:
    socket = await connect(client)
    await hello(socket)
    if len(raw) > 64 * 1024:
        raw = "[" * 30_000 + "]" * 30_000
    await socket.send_str(raw)
    refused = await receive(socket)
    assert refused["type"] == "error" and refused["code"] == code
    assert refused["message"] and "Traceback" not in refused["message"]
    assert texts(await turn(socket, "still here?")) == ["echo: still here?"]
    assert [body["message"] for body in rasa.webhook] == ["/greet", "still here?"]


async def test_binary_frames_are_refused_kindly(client: Client) -> None:
    socket = await connect(client)
    await hello(socket)
    await socket.send_bytes(b"\x89PNG\r\n\x1a\n")
    refused = await receive(socket)
    assert refused["code"] == "binary" and "images" in refused["message"]
    assert texts(await turn(socket, "ok")) == ["echo: ok"]


async def test_4000_characters_are_accepted(client: Client, rasa: RasaDouble) -> None:
    socket = await connect(client)
    await hello(socket)
    text = "é" * 3999 + "\n"
    assert texts(await turn(socket, text)) == [f"echo: {text}"]


async def test_an_enormous_frame_closes_the_socket_cleanly(client: Client) -> None:
    socket = await connect(client)
    await hello(socket)
    await socket.send_str('{"type": "message", "text": "' + "a" * 70_000 + '"}')
    closed = await socket.receive(timeout=5)
    assert closed.type == aiohttp.WSMsgType.CLOSE
    assert socket.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG


async def test_a_message_before_the_session_is_refused(
    client: Client, rasa: RasaDouble,
) -> None:
    socket = await connect(client)
    await socket.send_json({"type": "message", "text": "hello?"})
    assert (await receive(socket))["code"] == "hello_first"
    assert rasa.webhook == []


async def test_a_flood_is_slowed_down(
    aiohttp_client: Any, sqlite_databases: Databases, clock: Clock, rasa: RasaDouble,
) -> None:
    client = await chat_client(aiohttp_client, sqlite_databases, clock, rasa,
                               WIDGET_MESSAGES_PER_MINUTE="1")
    socket = await connect(client)
    await hello(socket)  # one of the burst of 10
    for _ in range(12):
        await socket.send_str("not even json")
    codes = [(await receive(socket))["code"] for _ in range(12)]
    assert codes[:9] == ["malformed"] * 9
    assert codes[9:] == ["rate_limited"] * 3


async def test_when_rasa_is_down_the_person_gets_crisis_lines_not_silence(
    client: Client, rasa: RasaDouble,
) -> None:
    rasa.down = True
    socket = await connect(client)
    await hello(socket)
    frames = await turn(socket, "i need help")
    [message] = [f for f in frames if f["type"] == "message"]
    assert message["from"] == "system"
    for expected in ("technical problem", "call 999", "Samaritans", "116 123", "85258"):
        assert expected in message["text"]


async def test_an_unreachable_rasa_is_the_same(
    aiohttp_client: Any, sqlite_databases: Databases, clock: Clock, rasa: RasaDouble,
) -> None:
    rasa.url = "http://127.0.0.1:9"
    client = await chat_client(aiohttp_client, sqlite_databases, clock, rasa)
    socket = await connect(client)
    await hello(socket)
    assert "116 123" in texts(await turn(socket, "hello"))[0]


async def test_people_only_ever_get_their_own_replies(
    client: Client, rasa: RasaDouble,
) -> None:
    rasa.delay = 0.02

    async def person(name: str) -> list[str]:
        socket = await connect(client)
        await hello(socket)
        received = []
        for n in range(5):
            received += texts(await turn(socket, f"{name} {n}"))
        return received

    results = await asyncio.gather(*(person(f"person{i}") for i in range(8)))
    for i, received in enumerate(results):
        assert received == [f"echo: person{i} {n}" for n in range(5)]


async def test_quick_exit_ends_the_session_for_good(client: Client, rasa: RasaDouble) -> None:
    socket = await connect(client)
    token = (await hello(socket))["session"]
    await turn(socket, "hi")
    await socket.send_json({"type": "left"})
    closed = await socket.receive(timeout=5)
    assert closed.type == aiohttp.WSMsgType.CLOSE and socket.close_code in (ENDED, 1000)
    hub = client.app[CHAT].hub
    sender = rasa.webhook[0]["sender"]
    assert hub.presence(sender) == "left"
    again = await connect(client)
    assert (await hello(again, token))["code"] == "session_refused"


async def test_the_quick_exit_beacon_ends_a_session_whose_socket_was_down(
    client: Client, rasa: RasaDouble,
) -> None:
    socket = await connect(client)
    token = (await hello(socket))["session"]
    await socket.close()
    origin = {"Origin": own_origin(client)}
    assert (await client.post("/chat/left", data="forged", headers=origin)).status == 400
    assert (await client.post("/chat/left", data=token,
                              headers={"Origin": "https://evil.example"})).status == 403
    assert (await client.post("/chat/left", data=token, headers=origin)).status == 204
    again = await connect(client)
    assert (await hello(again, token))["code"] == "session_refused"


async def test_a_second_tab_with_the_same_session_replaces_the_first(client: Client) -> None:
    first = await connect(client)
    token = (await hello(first))["session"]
    second = await connect(client)
    assert (await hello(second, token))["resumed"] is True
    closed = await first.receive(timeout=5)
    assert closed.type == aiohttp.WSMsgType.CLOSE and first.close_code == REPLACED
    assert texts(await turn(second, "still me")) == ["echo: still me"]


async def test_without_a_widget_key_the_chat_says_where_to_get_help_and_stops(
    aiohttp_client: Any, sqlite_databases: Databases, clock: Clock, rasa: RasaDouble,
) -> None:
    client = await chat_client(aiohttp_client, sqlite_databases, clock, rasa,
                               WIDGET_SESSION_KEY="")
    socket = await connect(client)
    message = await receive(socket)
    assert message["from"] == "system" and "116 123" in message["text"]
    closed = await socket.receive(timeout=5)
    assert closed.type == aiohttp.WSMsgType.CLOSE and socket.close_code == NOT_OFFERED


async def test_a_plain_get_is_not_a_websocket(client: Client) -> None:
    response = await client.get("/chat/ws", headers={"Origin": own_origin(client)})
    assert response.status == 400
