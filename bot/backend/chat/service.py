"""The relay's shared state and its one job: a person's message to Rasa, the replies back.

Replies go out through the hub, not the socket the message came in on: if that socket
dropped while Rasa was thinking, the replies wait in the mailbox for the reconnecting
widget instead of being lost. When Rasa cannot answer, the person gets the emergency
number and crisis lines (fallback.py), never silence.

What reaches Rasa: typed text without its leading slashes (bot/typed_text.py), so it is
always read as words; a button's payload only from a token this relay sealed for this
conversation (choices.py); the greeting, sent by the relay when it opens a session.

At most RASA_MAX_CONCURRENT messages of this process wait for Rasa at once: a flood of
sessions cannot queue up behind Rasa until real people's messages time out. A message
that finds no room within BUSY_WAIT_SECONDS gets a kind "busy" reply, with the crisis
lines, at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from bot.backend.chat.choices import Choices
from bot.backend.chat.hub import Frame, Hub
from bot.backend.chat.rasa_client import RasaClient, RasaUnavailable, Reply
from bot.backend.chat.shared import SharedHub
from bot.backend.chat.tokens import SessionTokens
from bot.case_documents import CaseDocuments
from bot.typed_text import neutralise

log = logging.getLogger(__name__)
METADATA = {"channel": "widget"}  # the assistant words its quick-exit help for the widget
GREETING = "/greet"
BUSY_WAIT_SECONDS = 2.0


@dataclass
class ChatService:
    """Everything the relay's connections share."""

    hub: Hub | SharedHub  # SharedHub when several processes serve the chat (REDIS_URL)
    rasa: RasaClient
    tokens: SessionTokens | None  # None: WIDGET_SESSION_KEY is not set, the chat is off
    unavailable_text: str
    messages_per_minute: int
    choices: Choices | None = None
    busy_text: str = ""
    max_concurrent: int = 32
    documents: CaseDocuments | None = None  # copies of logs, fetched for download
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _room: asyncio.Semaphore | None = None

    def start_turn(self, sender: str, text: str) -> asyncio.Task[None]:
        """What a person typed, as words; it outlives the socket if the socket drops."""
        return self.spawn(self._turn(sender, neutralise(text)))

    def start_choice(self, sender: str, payload: str) -> asyncio.Task[None]:
        """A button's payload, opened from a token this relay sealed for `sender`."""
        return self.spawn(self._turn(sender, payload))

    def greet(self, sender: str) -> asyncio.Task[None]:
        """The assistant's welcome for a new session."""
        return self.spawn(self._turn(sender, GREETING))

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Work that must finish even though the browser has gone (aiohttp cancels a
        handler whose connection closed, and a person using quick exit closes it at once)."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("chat background work failed with %s", type(task.exception()).__name__)

    def system_message(self, text: str) -> Frame:
        """A message from the service itself rather than the assistant."""
        return {"type": "message", "from": "system", "text": text, "buttons": []}

    async def _turn(self, sender: str, text: str) -> None:
        async with self.hub.turn(sender):
            if self.hub.has_left(sender):
                return
            room = self._semaphore()
            try:
                await asyncio.wait_for(room.acquire(), BUSY_WAIT_SECONDS)
            except TimeoutError:
                log.warning("assistant busy: a widget message was answered without it")
                await self.hub.send(sender, self.system_message(self.busy_text
                                                                or self.unavailable_text))
                return
            try:
                await self.hub.send(sender, {"type": "typing", "on": True})
                try:
                    frames = [self._frame(sender, reply) for reply in
                              await self.rasa.message(sender, text, METADATA)]
                except RasaUnavailable as error:
                    log.warning("assistant unavailable for a widget message: %s", error)
                    frames = [self.system_message(self.unavailable_text)]
            finally:
                room.release()
            for frame in frames:
                await self.hub.send(sender, frame)
            await self.hub.send(sender, {"type": "typing", "on": False})

    def _semaphore(self) -> asyncio.Semaphore:
        if self._room is None:
            self._room = asyncio.Semaphore(self.max_concurrent)
        return self._room

    def _frame(self, sender: str, reply: Reply) -> Frame:
        if reply.document is not None:
            # Only the token: the file is fetched when the person asks for it, once, by
            # their own session (downloads.py); nothing of it waits in a mailbox.
            return {"type": "document", "document": reply.document.token,
                    "filename": reply.document.filename}
        choices = self.choices
        buttons = ([{"title": b.title, "choice": choices.seal(sender, b.payload)}
                    for b in reply.buttons] if choices is not None else [])
        return {"type": "message", "from": "assistant", "text": reply.text,
                "buttons": buttons}

    async def close(self) -> None:
        """Let work in flight finish (replies go to mailboxes, departures are recorded)."""
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
