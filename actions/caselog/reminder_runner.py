"""Delivers due reminders, each exactly once, from a small loop.

`send(conversation_id, reminder)` delivers one (in production: Rasa's trigger-intent API,
so the reminder arrives as the assistant's own message) and returns True once it was
accepted. A reminder is claimed before it is sent, so runners in several processes never
both send it, and marked sent only after `send` succeeded; a failed send (False, or an
exception) is retried later with a growing delay, and dropped after `max_attempts`.

If a process dies between sending and marking, the claim lapses and the reminder is sent
again: a repeat is better than a reminder lost, and the window is one database write.
Logs say how many, never about what or for whom.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Awaitable, Callable

from actions.caselog.reminders import Reminder, ReminderStore, wall_clock

logger = logging.getLogger(__name__)

Send = Callable[[str, Reminder], Awaitable[bool]]
Clock = Callable[[], dt.datetime]


class ReminderRunner:
    """Sends due reminders through `send`, on `clock`'s time."""

    def __init__(self, store: ReminderStore, send: Send, clock: Clock = wall_clock,
                 interval: float = 30.0, lease: dt.timedelta = dt.timedelta(minutes=5),
                 retry_after: dt.timedelta = dt.timedelta(minutes=2),
                 max_attempts: int = 10) -> None:
        self.store = store
        self.send = send
        self.clock = clock
        self.interval = interval
        self.lease = lease
        self.retry_after = retry_after
        self.max_attempts = max_attempts
        self._stopped = asyncio.Event()

    async def run_once(self) -> int:
        """Delivers every reminder due now; returns how many were sent."""
        now = self.clock()
        due = await asyncio.to_thread(self.store.due, now)
        sent = 0
        for reminder in due:
            if not await asyncio.to_thread(self.store.claim, reminder.id, now, self.lease):
                continue  # another runner has it, or it was cancelled meanwhile
            if await self._send(reminder):
                await asyncio.to_thread(self.store.mark_sent, reminder.id)
                sent += 1
            elif reminder.attempts + 1 >= self.max_attempts:
                await asyncio.to_thread(self.store.give_up, reminder.id)
                logger.warning("a reminder was dropped after %d failed sends",
                               self.max_attempts)
            else:
                delay = self.retry_after * (2 ** reminder.attempts)
                await asyncio.to_thread(self.store.retry_later, reminder.id,
                                        self.clock() + min(delay, dt.timedelta(hours=6)))
        return sent

    async def _send(self, reminder: Reminder) -> bool:
        try:
            return bool(await self.send(reminder.conversation_id, reminder))
        except Exception as error:  # any failure of delivery is retried, never fatal
            logger.warning("sending a reminder failed (%s); it will be retried",
                           type(error).__name__)
            return False

    async def run(self) -> None:
        """Runs rounds every `interval` seconds until `stop()`; a round that fails (the
        database is down) is logged by kind and the loop goes on."""
        while not self._stopped.is_set():
            try:
                await self.run_once()
            except Exception as error:
                logger.warning("a reminder round failed (%s)", type(error).__name__)
            try:
                await asyncio.wait_for(self._stopped.wait(), self.interval)
            except asyncio.TimeoutError:
                pass

    def stop(self) -> None:
        """Ends `run()` after its current round."""
        self._stopped.set()
