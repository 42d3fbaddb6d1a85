"""GET /chat/ws: one widget's connection to the assistant (protocol in frames.py).

The first frame asks for a session or presents one; only then may messages follow. Every
frame costs a token from the connection's bucket. Whatever arrives (binary, broken JSON,
unknown types, too much text, too fast) is answered with an error frame the widget shows
kindly, and the connection stays open; nothing a browser sends can end it with a crash
or reach another person's conversation, since the sender id comes only from a verified
token. Quick exit ("left") forgets the session and tells staff.

One address (clients.py) may hold WIDGET_CONNECTIONS_PER_IP connections at once and open
WIDGET_SESSIONS_PER_IP new sessions an hour, counted across every backend process when
they share Redis: a script cannot fill the chat so that real people are told "busy".
Past either limit the answer is kind and carries the crisis lines. The address a session
was opened from is remembered (as a keyed hash) for the handoff limit (api/handoff_limits.py).
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import WSMsgType, web

from bot.backend.chat import presence

from bot.backend.chat import frames, origins
from bot.backend.chat.hub import NOT_OFFERED
from bot.backend.chat.rate import TokenBucket
from bot.backend.chat.tokens import sender_id
from bot.backend.keys import CHAT, LIMITS, SETTINGS
from bot.backend.storage import audit
from bot.backend.web.clients import client_key
from bot.typed_text import neutralise

log = logging.getLogger(__name__)
HOUR = 3600.0
# Close code for "too many connections from here": the widget waits before trying again.
TOO_MANY = 4029
HEARTBEAT_SECONDS = 30.0
# Messages one connection may have waiting for the assistant before it must slow down.
MAX_WAITING_TURNS = 3


async def chat_socket(request: web.Request) -> web.StreamResponse:
    """Upgrade to a WebSocket for an allowed origin, then serve the connection."""
    if not origins.allowed(request):
        log.warning("chat refused a connection from an origin that is not allowed")
        raise web.HTTPForbidden(text="This page may not open the chat.")
    socket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS,
                                   max_msg_size=frames.MAX_FRAME_BYTES, compress=False)
    await socket.prepare(request)
    limits, client = request.config_dict[LIMITS], client_key(request)
    slots = request.config_dict[SETTINGS].widget_connections_per_ip
    if not await limits.acquire(f"chat-conn:{client}", slots):
        log.warning("chat refused a connection: too many from one address")
        chat = request.config_dict[CHAT]
        await socket.send_json(frames.error("busy"))
        await socket.send_json(chat.system_message(chat.busy_text or chat.unavailable_text))
        await socket.close(code=TOO_MANY, message=b"too many connections")
        return socket
    connection = _Connection(request, socket, client)
    try:
        await connection.serve()
    except Exception as error:  # never a traceback to the browser; the widget reconnects
        log.exception("chat connection failed with %s", type(error).__name__)
        await socket.close(code=1011)
    finally:
        connection.detach()
        await limits.release(f"chat-conn:{client}")
    return socket


class _Connection:
    """The state of one socket: whose session it carries and how fast it may go."""

    def __init__(self, request: web.Request, socket: web.WebSocketResponse,
                 client: str) -> None:
        self.config = request.config_dict
        self.chat = self.config[CHAT]
        self.socket = socket
        self.client = client
        self.sender: str | None = None
        self.bucket = TokenBucket(self.chat.messages_per_minute)
        self.waiting: set[asyncio.Task[None]] = set()

    async def serve(self) -> None:
        if self.chat.tokens is None:
            await self._send(self.chat.system_message(self.chat.unavailable_text))
            await self.socket.close(code=NOT_OFFERED, message=b"not configured")
            return
        async for message in self.socket:
            if not self.bucket.allow():
                await self._refuse("rate_limited")
            elif message.type == WSMsgType.TEXT:
                await self._text(message.data)
            elif message.type == WSMsgType.BINARY:
                await self._refuse("binary")
            if self.socket.closed:
                break

    def detach(self) -> None:
        if self.sender is not None:
            self.chat.hub.detach(self.sender, self.socket)

    async def _text(self, raw: str) -> None:
        try:
            frame = frames.parse(raw)
        except frames.FrameError as error:
            await self._refuse(error.code)
            return
        if isinstance(frame, frames.Hello):
            await self._hello(frame.token)
        elif isinstance(frame, frames.UserMessage):
            await self._message(frame.text)
        elif isinstance(frame, frames.Choice):
            await self._choice(frame.token)
        else:
            await self._left()

    async def _hello(self, token: str | None) -> None:
        tokens, hub = self.chat.tokens, self.chat.hub
        assert tokens is not None
        if self.sender is not None:
            await self._refuse("malformed")
            return
        resumed = token is not None
        if token is None:
            if hub.full() or not await self._may_open_a_session():
                await self._refuse("busy")
                await self._send(self.chat.system_message(self.chat.busy_text
                                                          or self.chat.unavailable_text))
                return
            token, session_id = tokens.issue()
        else:
            verified = tokens.verify(token)
            if verified is None or await hub.check_left(sender_id(verified)):
                await self._refuse("session_refused")
                return
            session_id = verified
        self.sender = sender_id(session_id)
        await self.config[LIMITS].remember(f"client-of:{self.sender}", self.client,
                                           self.config[SETTINGS].widget_session_hours * HOUR)
        await hub.attach(self.sender, self.socket,
                         {"type": "session", "session": token, "resumed": resumed})
        if not resumed:
            self.waiting.add(self.chat.greet(self.sender))

    async def _may_open_a_session(self) -> bool:
        opened = await self.config[LIMITS].hit(f"chat-session:{self.client}", HOUR)
        if opened > self.config[SETTINGS].widget_sessions_per_ip:
            log.warning("chat refused a new session: too many from one address this hour")
            return False
        return True

    async def _message(self, text: str) -> None:
        if not neutralise(text):
            await self._refuse("empty")
        elif await self._may_start_a_turn():
            assert self.sender is not None
            self.waiting.add(self.chat.start_turn(self.sender, text))

    async def _choice(self, token: str) -> None:
        if not await self._may_start_a_turn():
            return
        assert self.sender is not None
        payload = None if self.chat.choices is None else self.chat.choices.open(self.sender,
                                                                                  token)
        if payload is None:
            await self._refuse("choice_expired")
            return
        self.waiting.add(self.chat.start_choice(self.sender, payload))

    async def _may_start_a_turn(self) -> bool:
        """A session, and not too many messages of this connection already waiting."""
        if self.sender is None:
            await self._refuse("hello_first")
            return False
        self.waiting = {task for task in self.waiting if not task.done()}
        if len(self.waiting) >= MAX_WAITING_TURNS:
            await self._refuse("rate_limited")
            return False
        return True

    async def _left(self) -> None:
        if self.sender is None:
            await self.socket.close(code=1000)
            return
        sender, self.sender = self.sender, None
        await presence.person_left(self.config, sender, audit.ANONYMOUS, "widget")

    async def _refuse(self, code: str) -> None:
        await self._send(frames.error(code))

    async def _send(self, frame: dict[str, object]) -> None:
        try:
            await self.socket.send_json(frame)
        except ConnectionResetError:
            pass  # the browser has gone; reading the next frame ends the loop
