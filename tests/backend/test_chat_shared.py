"""Two backend processes serving the chat together through the real local Redis.

Two apps (A and B) share one database, one Rasa double and Redis, as replicas do behind
the Ingress: the person's widget is connected to A while the staff member's requests are
handled by B. Each test has its own key and channel prefix (channels ignore the database
number), and its keys are deleted afterwards. Redis being down is tested by pointing
REDIS_URL at a closed port, never by stopping the machine's Redis.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
import redis.asyncio

from bot.backend.chat.hub import ENDED, MAILBOX_SIZE, REPLACED
from bot.backend.chat.redis_state import RedisState
from bot.backend.chat.shared import SharedHub
from bot.backend.keys import CHAT
from bot.backend.main import init_app

from .live_support import (
    GatewayDouble,
    RasaDouble,
    gateway,  # noqa: F401 (fixture)
    live_settings_env,
    own_origin,
    rasa,  # noqa: F401 (fixture)
    say_hello,
)
from .support import (
    Client,
    Clock,
    Databases,
    add_staff,
    ingest_handoff,
    login,
    make_settings,
    submit,
)
from .test_takeover import claimed_case

from .conftest import REDIS_URL
Socket = aiohttp.ClientWebSocketResponse


@dataclass
class Pair:
    """Two backend processes, and the staff member's case on B."""

    a: Client
    b: Client
    case: str = ""

    async def widget(self, on: Client,
                     token: str | None = None) -> tuple[Socket, dict[str, Any]]:
        socket = await on.ws_connect("/chat/ws", headers={"Origin": own_origin(on)})
        return socket, await say_hello(socket, token)

    async def staff(self, action: str, data: dict[str, str] | None = None) -> Any:
        """A case action on B, answered in JSON where the route offers it."""
        return await submit(self.b, self.case, f"{self.case}/{action}", data,
                            allow_redirects=False, headers={"Accept": "application/json"})

    async def feed(self, ready: Any) -> dict[str, Any]:
        """B's live feed once `ready(feed)`, polling as live.js does (every 0.1 s here)."""
        for _ in range(50):
            data: dict[str, Any] = await (await self.b.get(f"{self.case}/live?after=0")).json()
            if ready(data):
                return data
            await asyncio.sleep(0.1)
        raise AssertionError("B's live feed never showed it")


def sender_of(session: dict[str, Any]) -> str:
    return "web-" + session["session"].split(".")[0]


async def next_message(socket: Socket) -> dict[str, Any]:
    while True:
        frame: dict[str, Any] = json.loads((await socket.receive(timeout=5)).data)
        if frame["type"] == "message":
            return frame


async def make_pair(aiohttp_client: Any, databases: Databases, clock: Clock,
                    rasa: RasaDouble, gateway: GatewayDouble, **env: str) -> Pair:
    settings = make_settings(databases, **live_settings_env(rasa, gateway, **env))
    return Pair(await aiohttp_client(init_app(settings, clock)),
                await aiohttp_client(init_app(settings, clock)))


@pytest.fixture
async def pair(aiohttp_client: Any, databases: Databases, clock: Clock, rasa: RasaDouble,
               gateway: GatewayDouble, redis_prefix: str) -> AsyncIterator[Pair]:
    yield await make_pair(aiohttp_client, databases, clock, rasa, gateway,
                          REDIS_URL=REDIS_URL, REDIS_PREFIX=redis_prefix)


async def test_staff_on_one_process_talk_to_a_widget_held_by_the_other(
    pair: Pair, rasa: RasaDouble,
) -> None:
    assert isinstance(pair.a.app[CHAT].hub, SharedHub)
    widget, session = await pair.widget(pair.a)
    sender = sender_of(session)
    handoff = await ingest_handoff(pair.b, sender, channel="widget")
    await add_staff(pair.b.app, "ana@example.org")
    await login(pair.b, "ana@example.org")
    pair.case = f"/staff/cases/{handoff}"
    page = await (await pair.b.get(pair.case)).text()
    assert "They are on the web chat now." in page, "B heard A announce the connection"
    assert (await pair.staff("claim")).status == 303
    assert (await pair.feed(lambda f: True))["presence"] == "connected"

    response = await pair.staff("takeover", {"name": "Sam"})
    assert await response.json() == {"outcome": "delivered",
                                     "message": "Sent. They are connected and can see it."}
    [join] = rasa.said_by_staff(sender)
    assert await next_message(widget) == {"type": "message", "from": "notice",
                                          "text": join["text"], "buttons": []}
    assert join["text"].startswith("Sam, an advisor from the team, has joined the chat.")

    response = await pair.staff("reply", {"body": "I'm here. Take your time."})
    assert (await response.json())["outcome"] == "delivered"
    assert await next_message(widget) == {"type": "message", "from": "team",
                                          "text": "I'm here. Take your time.", "buttons": []}
    response = await pair.staff("end_takeover")
    assert (await response.json())["outcome"] == "delivered"
    assert "automated assistant again" in (await next_message(widget))["text"]

    await widget.close()
    assert (await pair.feed(lambda f: f["presence"] != "connected"))["presence"] == "away"


async def test_a_widget_connected_nowhere_is_not_connected(pair: Pair) -> None:
    sender = "web-" + "n" * 43
    pair.case = await claimed_case(pair.b, sender, channel="widget")
    assert (await pair.feed(lambda f: True))["presence"] == "not_connected"
    response = await pair.staff("takeover")
    assert (await response.json())["outcome"] == "not_connected"


async def test_what_waited_on_one_process_is_handed_over_by_the_other(pair: Pair) -> None:
    widget, session = await pair.widget(pair.a)
    pair.case = await claimed_case(pair.b, sender_of(session), channel="widget")
    await pair.staff("takeover")
    await next_message(widget)
    await widget.close()  # their phone moved to mobile data: a new address, another pod
    await pair.feed(lambda f: f["presence"] == "away")
    response = await pair.staff("reply", {"body": "Are you still there?"})
    assert (await response.json())["outcome"] == "queued"

    again, resumed = await pair.widget(pair.b, session["session"])
    assert resumed == {"type": "session", "session": session["session"], "resumed": True}
    assert await next_message(again) == {"type": "message", "from": "team",
                                         "text": "Are you still there?", "buttons": []}
    response = await pair.staff("reply", {"body": "Good, you're back."})
    assert (await response.json())["outcome"] == "delivered"
    assert (await next_message(again))["text"] == "Good, you're back."


async def test_one_conversation_one_tab_across_processes(pair: Pair) -> None:
    first, session = await pair.widget(pair.a)
    second, resumed = await pair.widget(pair.b, session["session"])
    assert resumed["resumed"] is True
    closed = await first.receive(timeout=5)
    assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == REPLACED
    pair.case = await claimed_case(pair.a, sender_of(session), channel="widget")
    pair.b, pair.a = pair.a, pair.b  # the staff member is on A now
    response = await pair.staff("takeover")
    assert (await response.json())["outcome"] == "delivered"
    assert (await next_message(second))["from"] == "notice"


async def test_quick_exit_on_one_process_is_seen_by_the_other(pair: Pair) -> None:
    widget, session = await pair.widget(pair.a)
    pair.case = await claimed_case(pair.b, sender_of(session), channel="widget")
    await pair.staff("takeover")
    await next_message(widget)
    await widget.send_json({"type": "left"})
    closed = await widget.receive(timeout=5)
    assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == ENDED

    page = await (await pair.b.get(pair.case)).text()
    assert "They left the chat with quick exit" in page
    response = await pair.staff("reply", {"body": "are you still there?"})
    assert response.status == 409 and (await response.json())["outcome"] == "left"
    again, refused = await pair.widget(pair.b, session["session"])
    assert refused["code"] == "session_refused", "no process resumes a session that left"


async def test_the_quick_exit_beacon_closes_the_socket_another_process_holds(
    pair: Pair,
) -> None:
    widget, session = await pair.widget(pair.a)  # no referral: only Redis knows they left
    beacon = await pair.b.post("/chat/left", data=session["session"],
                               headers={"Origin": own_origin(pair.b)})
    assert beacon.status == 204
    closed = await widget.receive(timeout=5)
    assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == ENDED
    again, refused = await pair.widget(pair.a, session["session"])
    assert refused["code"] == "session_refused"


async def test_a_holder_that_crashed_is_not_counted_as_connected(redis_prefix: str) -> None:
    client = redis.asyncio.Redis.from_url(REDIS_URL, decode_responses=True)
    state = RedisState(client, redis_prefix, "alive", left_seconds=60)
    await client.set(f"{redis_prefix}{{web-x}}:holder", "crashed")  # nobody listens for it
    assert await state.presence("web-x") == "not_connected"
    assert await state.deliver("web-x", {"type": "typing", "on": True}) == "not_connected"
    await state.detach("web-x")  # not its holder: changes nothing
    assert await state.holder("web-x") == "crashed"
    await client.aclose()


async def test_the_shared_mailbox_keeps_the_newest_and_is_forgotten_on_quick_exit(
    redis_prefix: str,
) -> None:
    client = redis.asyncio.Redis.from_url(REDIS_URL, decode_responses=True)
    state = RedisState(client, redis_prefix, "here", left_seconds=60)
    for n in range(MAILBOX_SIZE + 10):
        assert await state.queue("web-y", {"n": n}) == "queued"
    assert await state.attach("web-y") == [{"n": n} for n in range(10, MAILBOX_SIZE + 10)]
    assert await state.attach("web-y") == [], "handed over once"
    await state.queue("web-y", {"n": "private"})
    await state.leave("web-y")
    assert await state.queue("web-y", {"n": "later"}) == "left"
    assert await state.deliver("web-y", {"n": "later"}) == "left"
    assert await state.attach("web-y") == [], "quick exit forgot what waited"
    await client.aclose()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_when_redis_cannot_be_reached_staff_are_told_and_nothing_crashes(
    aiohttp_client: Any, databases: Databases, clock: Clock, rasa: RasaDouble,
    gateway: GatewayDouble, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.backend")
    pair = await make_pair(aiohttp_client, databases, clock, rasa, gateway,
                           REDIS_URL=f"redis://:Kx7Wq2Rm9Tz4Vb6N@127.0.0.1:{closed_port()}/0")
    widget, session = await pair.widget(pair.a)
    assert session["type"] == "session", "a widget still gets a session"
    await widget.send_json({"type": "message", "text": "my own words"})
    assert (await next_message(widget))["text"] == "echo: my own words", "and its replies"

    pair.case = await claimed_case(pair.b, sender_of(session), channel="widget")
    response = await pair.staff("takeover")
    assert (await response.json())["outcome"] == "unavailable"
    response = await pair.staff("reply", {"body": "a private message"})
    assert (await response.json()) == {
        "outcome": "unavailable",
        "message": "Their chat could not be reached (the Telegram gateway, or the link "
                   "between our servers, is down), so they did not get it. Try again."}

    await login(pair.a, "ana@example.org")  # the same staff member, on the widget's process
    response = await submit(pair.a, pair.case, f"{pair.case}/reply", {"body": "still here"},
                            headers={"Accept": "application/json"})
    assert (await response.json())["outcome"] == "delivered"
    assert (await next_message(widget))["text"] == "still here"

    await widget.send_json({"type": "left"})
    assert (await widget.receive(timeout=5)).data == ENDED
    assert "They left the chat with quick exit" in await (await pair.b.get(pair.case)).text()

    logged = [r.getMessage() for r in caplog.records if r.name.startswith("bot.backend.chat")]
    assert any("Redis unavailable" in line for line in logged)
    everything = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("a private message", "still here", "my own words", "secret-password"):
        assert secret not in everything
