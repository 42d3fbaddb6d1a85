"""The hub for several backend processes (REDIS_URL set): the same questions as hub.Hub,
answered for every process at once.

This process keeps only the sockets it holds. Everything another process must see (who
holds which session, the mailbox of a widget that is reconnecting, quick exit) is in
Redis (redis_state.py), and a frame for a socket held elsewhere is published to that
process, which sends it. So a staff member's reply reaches the widget whichever pod took
the staff member's request, and a widget that reconnects to another pod gets what waited.

When Redis cannot be reached nothing crashes: sockets this process holds still get their
own replies and the staff messages sent through this process; anything that needed
another process is reported as "unavailable" (and logged, never with its words); the
subscription comes back on its own when Redis does.

Presence for the case page is asked synchronously, so for a session held elsewhere it is
answered from what this process last heard: the presence channel announces each change
as it happens, and an answer older than PRESENCE_FRESH_SECONDS is re-read from Redis in
the background (after a crash, or for sessions older than this process), so the case
page's poll sees the truth at most one poll later.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSCloseCode, web
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import RedisError

from bot.backend.chat.hub import ENDED, MAX_SESSIONS, REPLACED, SWEEP_SECONDS, Frame
from bot.backend.chat.redis_state import HOLDER_SECONDS, RedisState

log = logging.getLogger(__name__)
PRESENCE_FRESH_SECONDS = 2.0
LISTEN_SECONDS = 5.0
KEEP_SECONDS = HOLDER_SECONDS / 3
RETRY_SECONDS = (0.5, 30.0)  # first wait after losing Redis, longest wait
WARN_EVERY_SECONDS = 30.0
_REDIS_DOWN = (RedisError, OSError)


@dataclass
class _Socket:
    """A socket this process holds; None while its departure is being recorded."""

    socket: web.WebSocketResponse | None
    sending: asyncio.Lock = field(default_factory=asyncio.Lock)


class SharedHub:
    """Sockets by sender id, here; mailboxes, holders and departures in Redis."""

    def __init__(self, redis: Redis, prefix: str, left_seconds: float,
                 clock: Callable[[], float] = time.monotonic,
                 max_sessions: int = MAX_SESSIONS) -> None:
        self.process = secrets.token_hex(8)
        self._state = RedisState(redis, prefix, self.process, left_seconds)
        self._held: dict[str, _Socket] = {}
        self._left: dict[str, float] = {}
        self._turns: dict[str, asyncio.Lock] = {}
        self._seen: dict[str, tuple[str, float]] = {}  # presence elsewhere, and when heard
        self._refreshing: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._listener: asyncio.Task[None] | None = None
        self._left_seconds = left_seconds
        self._clock = clock
        self._max_sessions = max_sessions
        self._swept = self._warned = clock() - WARN_EVERY_SECONDS

    @classmethod
    def connect(cls, url: str, prefix: str, left_seconds: float) -> SharedHub:
        """A hub on the Redis at `url`; it connects when first used, and fails fast (a
        staff member waits for the answer) rather than retrying for seconds."""
        redis = Redis.from_url(url, decode_responses=True, socket_connect_timeout=1,
                               socket_timeout=2, health_check_interval=30,
                               retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), 1))
        return cls(redis, prefix, left_seconds)

    def start(self) -> None:
        """Listen for frames and notices (in the background, reconnecting as needed)."""
        self._listener = asyncio.create_task(self._listen())

    def full(self) -> bool:
        """Whether this process already holds MAX_SESSIONS sockets."""
        return len(self._held) >= self._max_sessions

    def has_left(self, sender: str) -> bool:
        """The person used quick exit, as far as this process has heard: enough for the
        socket's own turns, since a quick exit anywhere is published to the process
        holding the socket (the case page and takeover also read referral.left_at)."""
        self._sweep()
        return sender in self._left

    async def check_left(self, sender: str) -> bool:
        """The person used quick exit, on any process (before a token is resumed)."""
        if self.has_left(sender):
            return True
        try:
            left = await self._state.has_left(sender)
        except _REDIS_DOWN as error:
            self._warn("could not check for a quick exit", error)
            return False
        if left:
            self._left[sender] = self._clock()
        return left

    def turn(self, sender: str) -> asyncio.Lock:
        """The lock that keeps one conversation's messages to Rasa in order (here; Rasa's
        lock store orders them across its own replicas)."""
        return self._turns.setdefault(sender, asyncio.Lock())

    async def attach(self, sender: str, socket: web.WebSocketResponse, greeting: Frame) -> None:
        """Hold `socket` for the session: the greeting, then whatever waited in Redis; a
        socket it had here or on another process is closed with REPLACED."""
        held = self._held.setdefault(sender, _Socket(None))
        async with held.sending:
            previous, held.socket = held.socket, socket
            # Recorded before the greeting: once the widget has its session, every
            # process reading Redis sees it connected.
            try:
                waiting = await self._state.attach(sender)
            except _REDIS_DOWN as error:
                self._warn("could not record a widget's connection", error)
                waiting = []
            await socket.send_json(greeting)
            for frame in waiting:
                await socket.send_json(frame)
        if previous is not None and previous is not socket:
            await previous.close(code=REPLACED, message=b"replaced")

    def detach(self, sender: str, socket: web.WebSocketResponse) -> None:
        """The socket closed: from now on replies wait in Redis for AWAY_SECONDS."""
        held = self._held.get(sender)
        if held is not None and held.socket is socket:
            held.socket = None
            self._spawn(self._record_away(sender, held))

    async def send(self, sender: str, frame: Frame) -> str:
        """"delivered", "queued", "left", "not_connected", or "unavailable" (Redis could
        not be reached for a session this process does not hold)."""
        if self.has_left(sender):
            return "left"
        held = self._held.get(sender)
        try:
            if held is None:
                return await self._state.deliver(sender, frame)
            async with held.sending:
                if await _send_here(held, frame):
                    return "delivered"
                return await self._state.queue(sender, frame)
        except _REDIS_DOWN as error:
            self._warn("could not deliver a message to a widget", error)
            return "unavailable"

    async def refresh(self, sender: str) -> None:
        """Reads from Redis whether a session held elsewhere is connected, unless this
        process holds it or heard lately; the case page awaits this, so it never shows a
        copy older than PRESENCE_FRESH_SECONDS (the live poll refreshes in the background)."""
        if self.has_left(sender) or sender in self._held:
            return
        _, heard = self._seen.get(sender, ("not_connected", -PRESENCE_FRESH_SECONDS))
        if self._clock() - heard >= PRESENCE_FRESH_SECONDS:
            await self._refresh_presence(sender)

    def presence(self, sender: str) -> str:
        """"connected", "away", "left" or "not_connected" (see the module's note)."""
        if self.has_left(sender):
            return "left"
        held = self._held.get(sender)
        if held is not None:
            return "connected" if held.socket is not None else "away"
        state, heard = self._seen.get(sender, ("not_connected", -PRESENCE_FRESH_SECONDS))
        if self._clock() - heard >= PRESENCE_FRESH_SECONDS and sender not in self._refreshing:
            self._refreshing.add(sender)
            self._spawn(self._refresh_presence(sender))
        return state

    def leave(self, sender: str) -> web.WebSocketResponse | None:
        """Refuse the session from now on, everywhere; return the socket held here, if
        any, for the caller to close (with ENDED)."""
        self._left[sender] = self._clock()
        held = self._held.pop(sender, None)
        self._spawn(self._state.leave(sender), "could not record a quick exit")
        return None if held is None else held.socket

    async def close_all(self) -> None:
        """At shutdown: every widget reconnects (to another process) with its session."""
        for held in list(self._held.values()):
            if held.socket is not None:
                with contextlib.suppress(Exception):
                    await held.socket.close(code=WSCloseCode.GOING_AWAY, message=b"restarting")

    async def close(self) -> None:
        """Finish recording departures (briefly), then stop listening."""
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        with contextlib.suppress(*_REDIS_DOWN):
            await self._state.close()

    async def _record_away(self, sender: str, held: _Socket) -> None:
        # Under the socket's lock, so a reconnect to this process that came first is not
        # undone, and one that comes next finds the departure already recorded.
        async with held.sending:
            if held.socket is not None:
                return
            try:
                await self._state.detach(sender)
            except _REDIS_DOWN as error:
                self._warn("could not record a widget's disconnection", error)
            if self._held.get(sender) is held and held.socket is None:
                del self._held[sender]

    async def _arrived(self, sender: str, frame: Frame) -> None:
        """A frame published to this process for one of its sockets."""
        held = self._held.get(sender)
        try:
            if held is None:  # the socket went, or moved on: deliver it afresh
                await self._state.deliver(sender, frame, from_here=True)
                return
            async with held.sending:
                if not await _send_here(held, frame):
                    await self._state.queue(sender, frame)
        except _REDIS_DOWN as error:
            self._warn("could not keep a message for a reconnecting widget", error)

    async def _notice(self, sender: str, event: str) -> None:
        """Another process was told they left, or now holds the session."""
        if event == "left":
            self._left[sender] = self._clock()
        elif await self._state.holder(sender) == self.process:
            return  # the widget came back here after moving away: the notice is stale
        held = self._held.pop(sender, None)
        if held is not None and held.socket is not None:
            code, why = (ENDED, b"left") if event == "left" else (REPLACED, b"replaced")
            await held.socket.close(code=code, message=why)

    async def _refresh_presence(self, sender: str) -> None:
        try:
            self._seen[sender] = (await self._state.presence(sender), self._clock())
        except _REDIS_DOWN as error:
            self._warn("could not read whether a widget is connected", error)
        finally:
            self._refreshing.discard(sender)

    async def _listen(self) -> None:
        """Read this process's channel and the presence channel until cancelled."""
        pubsub = self._state.pubsub()
        wait = RETRY_SECONDS[0]
        kept = self._clock() - KEEP_SECONDS
        try:
            while True:
                try:
                    if not pubsub.subscribed:
                        await pubsub.subscribe(self._state.process_channel,
                                               self._state.presence_channel)
                        kept = self._clock() - KEEP_SECONDS  # Redis may have restarted
                    message = await pubsub.get_message(ignore_subscribe_messages=True,
                                                       timeout=LISTEN_SECONDS)
                    if message is not None and message["type"] == "message":
                        self._dispatch(message["channel"], message["data"])
                    if self._clock() - kept >= KEEP_SECONDS:
                        await self._state.keep([sender for sender, held in self._held.items()
                                                if held.socket is not None])
                        kept = self._clock()
                    wait = RETRY_SECONDS[0]
                except _REDIS_DOWN as error:
                    self._warn("lost its subscription; retrying", error)
                    kept = self._clock() - KEEP_SECONDS
                    await asyncio.sleep(wait)
                    wait = min(wait * 2, RETRY_SECONDS[1])
        finally:
            with contextlib.suppress(*_REDIS_DOWN, RuntimeError):
                await pubsub.aclose()

    def _dispatch(self, channel: str, data: str) -> None:
        try:
            if channel == self._state.presence_channel:
                state, sender = data.split(" ", 1)
                self._seen[sender] = (state, self._clock())
                return
            message = json.loads(data)
            sender = message["to"]
            if "frame" in message:
                self._spawn(self._arrived(sender, message["frame"]))
            else:
                self._spawn(self._notice(sender, message["event"]))
        except (ValueError, KeyError, TypeError):
            log.error("chat: an unreadable message on the Redis channel was ignored")

    def _spawn(self, work: Coroutine[Any, Any, object],
               failure: str = "could not reach Redis") -> None:
        """Work that must not hold up the caller; a failure is logged, by kind only."""
        async def run() -> None:
            try:
                await work
            except _REDIS_DOWN as error:
                self._warn(failure, error)
            except Exception as error:  # a socket that broke while being closed, say
                log.error("chat: background work failed with %s", type(error).__name__)

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _warn(self, what: str, error: BaseException) -> None:
        """One warning per WARN_EVERY_SECONDS while Redis is away, not one per message."""
        now = self._clock()
        if now - self._warned >= WARN_EVERY_SECONDS:
            self._warned = now
            log.warning("chat: Redis unavailable, %s (%s)", what, type(error).__name__)
        else:
            log.debug("chat: Redis unavailable, %s (%s)", what, type(error).__name__)

    def _sweep(self) -> None:
        now = self._clock()
        if now - self._swept < SWEEP_SECONDS:
            return
        self._swept = now
        self._left = {s: at for s, at in self._left.items() if now - at <= self._left_seconds}
        self._seen = {s: v for s, v in self._seen.items() if now - v[1] <= HOLDER_SECONDS}
        self._turns = {s: lock for s, lock in self._turns.items()
                       if lock.locked() or s in self._held}


async def _send_here(held: _Socket, frame: Frame) -> bool:
    """Send on the socket held here; False if it has gone (call with its lock held)."""
    socket = held.socket
    if socket is None or socket.closed:
        return False
    try:
        await socket.send_json(frame)
    except ConnectionResetError:
        return False
    return True
