"""Who is connected to the web chat right now, and how to reach them.

One entry per widget session (by its Rasa sender id): the open socket, if any, and a small
mailbox for messages that arrive while the socket is down (a reply that was still being
worked out when the connection dropped, or a staff message), handed over when the widget
comes back. A session away for longer than AWAY_SECONDS is forgotten. A session whose
person used quick exit is remembered as left, so its token cannot be resumed and nothing
more is sent to it.

This lives in the process's memory, which is all one backend process needs (the default,
and on a laptop). Several processes behind a load balancer share this state through Redis
instead (REDIS_URL): shared.SharedHub answers the same questions for all of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSCloseCode, web

AWAY_SECONDS = 600.0
MAILBOX_SIZE = 50
MAX_SESSIONS = 10_000
SWEEP_SECONDS = 30.0
# Close codes the widget understands: do not reconnect after these.
REPLACED = 4000
ENDED = 4001
NOT_OFFERED = 4003

Frame = dict[str, Any]


@dataclass
class _Session:
    socket: web.WebSocketResponse | None = None
    mailbox: deque[Frame] = field(default_factory=lambda: deque(maxlen=MAILBOX_SIZE))
    away_since: float | None = None
    # One message at a time goes to Rasa, and frames leave in the order they were sent.
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    sending: asyncio.Lock = field(default_factory=asyncio.Lock)


class Hub:
    """Sockets and mailboxes by sender id."""

    def __init__(self, left_seconds: float, clock: Callable[[], float] = time.monotonic,
                 max_sessions: int = MAX_SESSIONS) -> None:
        self._sessions: dict[str, _Session] = {}
        self._left: dict[str, float] = {}
        self._left_seconds = left_seconds
        self._clock = clock
        self._max_sessions = max_sessions
        self._swept = clock()

    def full(self) -> bool:
        """Whether a new session would go over MAX_SESSIONS."""
        self._sweep()
        return len(self._sessions) >= self._max_sessions

    def has_left(self, sender: str) -> bool:
        """The person used quick exit (or a gateway said they left)."""
        return sender in self._left

    async def check_left(self, sender: str) -> bool:
        """has_left, as SharedHub asks it of every process."""
        return self.has_left(sender)

    def turn(self, sender: str) -> asyncio.Lock:
        """The lock that keeps one conversation's messages to Rasa in order."""
        return self._session(sender).turn

    async def attach(self, sender: str, socket: web.WebSocketResponse, greeting: Frame) -> None:
        """Make `socket` the session's connection: send `greeting`, then whatever waited.

        A socket the session had before is closed with REPLACED: one conversation, one tab.
        """
        session = self._session(sender)
        async with session.sending:
            previous, session.socket, session.away_since = session.socket, socket, None
            await socket.send_json(greeting)
            while session.mailbox:
                await socket.send_json(session.mailbox.popleft())
        if previous is not None and previous is not socket:
            await previous.close(code=REPLACED, message=b"replaced")

    def detach(self, sender: str, socket: web.WebSocketResponse) -> None:
        """The socket closed; keep the session (and its mailbox) for AWAY_SECONDS."""
        session = self._sessions.get(sender)
        if session is not None and session.socket is socket:
            session.socket = None
            session.away_since = self._clock()

    async def send(self, sender: str, frame: Frame) -> str:
        """"delivered", "queued" (the widget is reconnecting), "left" or "not_connected"."""
        session = self._session_or_absence(sender)
        if isinstance(session, str):
            return session
        async with session.sending:
            socket = session.socket
            if socket is not None and not socket.closed:
                try:
                    await socket.send_json(frame)
                    return "delivered"
                except ConnectionResetError:
                    pass
            session.mailbox.append(frame)
            return "queued"

    async def refresh(self, sender: str) -> None:
        """Nothing to do: this process knows every session (shared.py has to ask Redis)."""

    def presence(self, sender: str) -> str:
        """"connected", "away" (reconnecting, messages wait), "left" or "not_connected"."""
        session = self._session_or_absence(sender)
        if isinstance(session, str):
            return session
        return "connected" if session.socket is not None else "away"

    def _session_or_absence(self, sender: str) -> _Session | str:
        """The sender's live session, or why there is none: "left" or "not_connected"."""
        if sender in self._left:
            return "left"
        self._sweep()
        session = self._sessions.get(sender)
        return "not_connected" if session is None else session

    def leave(self, sender: str) -> web.WebSocketResponse | None:
        """Forget the session and its mailbox and refuse it from now on, at once; return
        its socket for the caller to close (with ENDED)."""
        self._left[sender] = self._clock()
        session = self._sessions.pop(sender, None)
        return None if session is None else session.socket

    async def close_all(self) -> None:
        """At shutdown: every widget reconnects (to the next process) with its session."""
        sockets = [s.socket for s in self._sessions.values() if s.socket is not None]
        for socket in sockets:
            with contextlib.suppress(Exception):
                await socket.close(code=WSCloseCode.GOING_AWAY, message=b"restarting")

    async def close(self) -> None:
        """Nothing to let go of (SharedHub has its Redis connections)."""

    def _session(self, sender: str) -> _Session:
        session = self._sessions.get(sender)
        if session is None:
            # Counted as away until a socket attaches, so a stray entry is swept too.
            session = self._sessions[sender] = _Session(away_since=self._clock())
        return session

    def _sweep(self) -> None:
        now = self._clock()
        if now - self._swept < SWEEP_SECONDS:
            return
        self._swept = now
        for sender, session in list(self._sessions.items()):
            if session.away_since is not None and now - session.away_since > AWAY_SECONDS:
                del self._sessions[sender]
        for sender, at in list(self._left.items()):
            if now - at > self._left_seconds:
                del self._left[sender]
