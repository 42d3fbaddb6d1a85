"""Each chat's updates in the order they came, different chats at the same time.

python-telegram-bot hands every update to an update processor. This one gives each chat a
lane: a FIFO lock, so a person's second message is answered after their first, and a
bounded number of waiting updates, so one flooding chat cannot take the gateway's memory.
A global limit on chats in flight keeps the load on Rasa bounded. A chat whose lane
overflows is told once to slow down, rather than met with silence. Updates Telegram
delivers twice (a webhook retried after a timeout, a restart while polling) are dropped by
update_id. Staff messages from the internal API queue in the same lanes.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

logger = logging.getLogger(__name__)

CHATS_IN_FLIGHT = 32
WAITING_PER_CHAT = 20
RECENT_UPDATES = 10_000


class LaneFull(Exception):
    """This chat already has as many updates waiting as it may."""


@dataclass
class _Lane:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0
    overflowed: bool = False


class ChatLanes:
    """One FIFO lane per chat, a bounded number of chats running at once."""

    def __init__(self, in_flight: int = CHATS_IN_FLIGHT,
                 per_chat: int = WAITING_PER_CHAT) -> None:
        self._lanes: dict[int, _Lane] = {}
        self._running = asyncio.Semaphore(in_flight)
        self._per_chat = per_chat

    @property
    def waiting(self) -> int:
        """Updates accepted and not yet finished, over all chats."""
        return sum(lane.waiting for lane in self._lanes.values())

    def first_overflow(self, chat_id: int) -> bool:
        """True once per busy spell of a chat, so a flood is answered with one notice."""
        lane = self._lanes.get(chat_id)
        if lane is None or lane.overflowed:
            return False
        lane.overflowed = True
        return True

    @asynccontextmanager
    async def turn(self, chat_id: int, wait: float | None = None) -> AsyncIterator[None]:
        """Waits (at most `wait` seconds, else TimeoutError) for this chat's earlier work to
        finish and for a free slot; raises LaneFull at once if the chat's lane is full."""
        lane = self._lanes.setdefault(chat_id, _Lane())
        if lane.waiting >= self._per_chat:
            raise LaneFull()
        lane.waiting += 1
        try:
            async with asyncio.timeout(wait):
                await lane.lock.acquire()
                try:
                    await self._running.acquire()
                except BaseException:
                    lane.lock.release()
                    raise
            try:
                yield
            finally:
                self._running.release()
                lane.lock.release()
        finally:
            lane.waiting -= 1
            if lane.waiting == 0:
                del self._lanes[chat_id]


class RecentUpdates:
    """The last N update ids seen, to drop a second delivery of the same update."""

    def __init__(self, size: int = RECENT_UPDATES) -> None:
        self._ids: OrderedDict[int, None] = OrderedDict()
        self._size = size

    def first_time(self, update_id: int) -> bool:
        """True the first time an id is seen, False for every repeat."""
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True


class ChatOrderedProcessor(BaseUpdateProcessor):
    """python-telegram-bot's update processor, with chat lanes and duplicate dropping."""

    def __init__(self, lanes: ChatLanes, recent: RecentUpdates,
                 max_tasks: int = 10_000) -> None:
        # The base class's own limit is taken before our lanes: keep it far out of the
        # way, or one chat's waiting updates would hold every slot and stall the others.
        super().__init__(max_concurrent_updates=max_tasks)
        self.lanes = lanes
        self.recent = recent
        # Called (without waiting) the first time a chat's lane overflows, to say so.
        self.on_overflow: Callable[[int], object] | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Runs the update's handlers in its chat's lane."""
        chat_id = None
        if isinstance(update, Update):
            if not self.recent.first_time(update.update_id):
                logger.info("dropped a duplicate update")
                _discard(coroutine)
                return
            chat_id = update.effective_chat.id if update.effective_chat else None
        if chat_id is None:
            await coroutine
            return
        try:
            async with self.lanes.turn(chat_id):
                await coroutine
        except LaneFull:
            logger.warning("dropped an update: its chat already has updates waiting")
            _discard(coroutine)
            if self.on_overflow is not None and self.lanes.first_overflow(chat_id):
                self.on_overflow(chat_id)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _discard(coroutine: Awaitable[Any]) -> None:
    """Closes a coroutine we will not run, so it is not reported as never awaited."""
    if inspect.iscoroutine(coroutine):
        coroutine.close()
