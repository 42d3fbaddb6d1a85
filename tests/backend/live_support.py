"""Doubles and fixtures for the web chat and takeover tests: a Rasa that answers the REST
webhook and the tracker API, a Telegram gateway, and the app wired to them."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.backend.main import init_app

from .conftest import SQLITE_TRACKER_DDL
from .support import RASA_TOKEN, Client, Clock, Databases, make_settings

WIDGET_KEY = "widget-key-for-tests-0123456789-abcdefghij"
GATEWAY_TOKEN = "gateway-token-for-tests-0123456789-abcdef"
Reply = Callable[[str, str], list[dict[str, Any]]]


def echo(sender: str, text: str) -> list[dict[str, Any]]:
    """Rasa's answer in these tests: the text back, with one button."""
    return [{"recipient_id": sender, "text": f"echo: {text}",
             "buttons": [{"title": "Yes please", "payload": "/affirm"}]}]


@dataclass
class RasaDouble:
    """Rasa's REST webhook and tracker API on a loopback port."""

    url: str = ""
    reply: Reply = echo
    delay: float = 0.0
    down: bool = False
    webhook: list[dict[str, Any]] = field(default_factory=list)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    event_posts: int = 0

    def slot(self, sender: str, name: str = "human_takeover") -> Any:
        value = None
        for event in self.events.get(sender, []):
            if event.get("event") == "slot" and event.get("name") == name:
                value = event.get("value")
        return value

    def said(self, sender: str, kind: str = "bot") -> list[dict[str, Any]]:
        return [e for e in self.events.get(sender, []) if e.get("event") == kind]

    def said_by_staff(self, sender: str) -> list[dict[str, Any]]:
        """What staff added to the conversation (their events carry metadata; the
        assistant's own, such as the welcome, do not)."""
        return [e for e in self.said(sender) if e.get("metadata")]

    def add_user_message(self, sender: str, text: str, at: float | None = None) -> None:
        self.events.setdefault(sender, []).append(
            {"event": "user", "text": text, "timestamp": at or time.time()})


def rasa_app(rasa: RasaDouble) -> web.Application:
    async def webhook(request: web.Request) -> web.Response:
        if rasa.down:
            return web.Response(status=503)
        body = await request.json()
        rasa.webhook.append(body)
        rasa.add_user_message(body["sender"], body["message"])
        if rasa.delay:
            await asyncio.sleep(rasa.delay)
        # Like the TakeoverPolicy: quiet while staff have taken over.
        replies = [] if rasa.slot(body["sender"]) else rasa.reply(body["sender"], body["message"])
        for reply in replies:
            rasa.events[body["sender"]].append(
                {"event": "bot", "text": reply.get("text"), "timestamp": time.time()})
        return web.json_response(replies)

    async def append(request: web.Request) -> web.Response:
        if rasa.down:
            return web.Response(status=503)
        if not _bearer(request):
            return web.json_response({"message": "unauthorized"}, status=401)
        rasa.event_posts += 1
        sender = request.match_info["sender"]
        for event in await request.json():
            rasa.events.setdefault(sender, []).append({**event, "timestamp": time.time()})
        return web.json_response({"sender_id": sender})

    async def tracker(request: web.Request) -> web.Response:
        if rasa.down:
            return web.Response(status=503)
        if not _bearer(request):
            return web.json_response({"message": "unauthorized"}, status=401)
        sender = request.match_info["sender"]
        return web.json_response({"sender_id": sender, "events": rasa.events.get(sender, []),
                                  "slots": {"human_takeover": rasa.slot(sender)}})

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_post("/conversations/{sender}/tracker/events", append)
    app.router.add_get("/conversations/{sender}/tracker", tracker)
    return app


@dataclass
class GatewayDouble:
    """The Telegram gateway's internal API: 202 for known conversations, 404 otherwise."""

    url: str = ""
    known: set[str] = field(default_factory=set)
    blocked: set[str] = field(default_factory=set)  # people who blocked the bot: 410
    received: list[dict[str, Any]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)


def gateway_app(gateway: GatewayDouble) -> web.Application:
    async def messages(request: web.Request) -> web.Response:
        gateway.authorizations.append(request.headers.get("Authorization", ""))
        if request.headers.get("Authorization") != f"Bearer {GATEWAY_TOKEN}":
            return web.json_response({"error": "unauthorized"}, status=401)
        body = await request.json()
        gateway.received.append(body)
        if body["conversation_id"] in gateway.blocked:
            return web.json_response({"error": "blocked"}, status=410)
        if body["conversation_id"] not in gateway.known:
            return web.json_response({"error": "not_found"}, status=404)
        return web.json_response({"status": "accepted"}, status=202)

    app = web.Application()
    app.router.add_post("/internal/v1/messages", messages)
    return app


@pytest.fixture
def sqlite_databases(tmp_path: Path) -> Iterator[Databases]:
    """SQLite only, for tests about the relay rather than the database."""
    tracker = tmp_path / "tracker.db"
    with closing(sqlite3.connect(tracker)) as connection:
        connection.execute(SQLITE_TRACKER_DDL)
    yield Databases("sqlite", f"sqlite:///{tmp_path / 'backend.db'}", f"sqlite:///{tracker}")


@pytest_asyncio.fixture
async def rasa(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> AsyncIterator[RasaDouble]:
    double = RasaDouble()
    server = await aiohttp_server(rasa_app(double))
    double.url = str(server.make_url("")).rstrip("/")
    yield double


@pytest_asyncio.fixture
async def gateway(
    aiohttp_server: Callable[..., Awaitable[TestServer]],
) -> AsyncIterator[GatewayDouble]:
    double = GatewayDouble()
    server = await aiohttp_server(gateway_app(double))
    double.url = str(server.make_url("")).rstrip("/")
    yield double


def live_settings_env(rasa: RasaDouble, gateway: GatewayDouble | None = None,
                      **env: str) -> dict[str, str]:
    """Environment for an app talking to the doubles."""
    values = {"RASA_URL": rasa.url, "WIDGET_SESSION_KEY": WIDGET_KEY,
              "WIDGET_RASA_TIMEOUT_SECONDS": "2"}
    if gateway is not None:
        values.update(TELEGRAM_GATEWAY_URL=gateway.url, TELEGRAM_INTERNAL_TOKEN=GATEWAY_TOKEN)
    values.update(env)
    return values


async def chat_client(aiohttp_client: Any, databases: Databases, clock: Clock,
                      rasa: RasaDouble, **env: str) -> Client:
    """A test client for the app, with the relay talking to the Rasa double."""
    app = init_app(make_settings(databases, **live_settings_env(rasa, **env)), clock)
    client: Client = await aiohttp_client(app)
    return client


def own_origin(client: Client) -> str:
    return str(client.make_url("")).rstrip("/")


def utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _bearer(request: web.Request) -> bool:
    """Rasa's token, as the API guard takes it: in the header, never in the URL."""
    return (request.headers.get("Authorization") == f"Bearer {RASA_TOKEN}"
            and "token" not in request.query)


async def say_hello(socket: Any, token: str | None = None) -> dict[str, Any]:
    """Send the hello frame; return the session frame. A new session's welcome (the relay
    sends "/greet" itself) is read and dropped, so tests start after it."""
    await socket.send_json({"type": "hello", "session": token})
    session: dict[str, Any] = json.loads((await socket.receive(timeout=5)).data)
    if session.get("type") == "session" and not session["resumed"]:
        while json.loads((await socket.receive(timeout=5)).data) != {"type": "typing",
                                                                    "on": False}:
            pass
    return session
