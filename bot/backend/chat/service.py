"""The relay's shared state and its one job: a person's message to Rasa, the replies back.

Replies go out through the hub, not the socket the message came in on: if that socket
dropped while Rasa was thinking, the replies wait in the mailbox for the reconnecting
widget instead of being lost. When Rasa cannot answer, the person gets the emergency
number and crisis lines (fallback.py), never silence.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from bot.backend.chat.hub import Frame, Hub
from bot.backend.chat.rasa_client import RasaClient, RasaUnavailable, Reply
from bot.backend.chat.shared import SharedHub
from bot.backend.chat.tokens import SessionTokens

log = logging.getLogger(__name__)
METADATA = {"channel": "widget"}  # the assistant words its quick-exit help for the widget


@dataclass
class ChatService:
    """Everything the relay's connections share."""

    hub: Hub | SharedHub  # SharedHub when several processes serve the chat (REDIS_URL)
    rasa: RasaClient
    tokens: SessionTokens | None  # None: WIDGET_SESSION_KEY is not set, the chat is off
    unavailable_text: str
    messages_per_minute: int
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def start_turn(self, sender: str, text: str) -> asyncio.Task[None]:
        """Run one turn in the background; it outlives the socket if the socket drops."""
        return self.spawn(self._turn(sender, text))

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
            await self.hub.send(sender, {"type": "typing", "on": True})
            try:
                frames = [_frame(reply) for reply in
                          await self.rasa.message(sender, text, METADATA)]
            except RasaUnavailable as error:
                log.warning("assistant unavailable for a widget message: %s", error)
                frames = [self.system_message(self.unavailable_text)]
            for frame in frames:
                await self.hub.send(sender, frame)
            await self.hub.send(sender, {"type": "typing", "on": False})

    async def close(self) -> None:
        """Let work in flight finish (replies go to mailboxes, departures are recorded)."""
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)


def _frame(reply: Reply) -> Frame:
    return {"type": "message", "from": "assistant", "text": reply.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in reply.buttons]}
