"""How the action server hands a due reminder on: to the backend, which says it.

The action server keeps reminders (reminders.py) and knows when one is due
(reminder_runner.py), but holds no key to Rasa's API or to the Telegram gateway. It posts
the reminder to the backend's ingest API with its own token (BACKEND_SERVICE_TOKEN), and
the backend triggers the reminder through Rasa and sends what the assistant said to the
chat (bot/backend/api/due_reminders.py). A reminder the person can no longer receive (not a
Telegram chat, or they blocked the bot) counts as done; anything else is tried again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Optional
from urllib.parse import quote

import aiohttp

from actions.caselog.reminder_runner import ReminderRunner
from actions.caselog.reminders import Reminder, ReminderStore

logger = logging.getLogger(__name__)
DONE = (202, 404, 410)


class BackendReminders:
    """`send` for the ReminderRunner: one POST to the backend per reminder."""

    def __init__(self, backend_url: str, token: str, timeout: float = 30.0) -> None:
        self.url = backend_url.rstrip("/")
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: Optional[aiohttp.ClientSession] = None

    async def __call__(self, conversation_id: str, reminder: Reminder) -> bool:
        """True once the backend delivered it (or it can never be delivered)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        url = f"{self.url}/api/v1/conversations/{quote(conversation_id, safe='')}/reminder"
        async with self._session.post(url, json={"text": reminder.text, "entry": reminder.entry},
                                      headers={"Authorization": f"Bearer {self.token}"},
                                      allow_redirects=False) as response:
            if response.status in (404, 410):
                logger.info("a reminder could not reach its chat (HTTP %d): dropped",
                            response.status)
            return response.status in DONE

    async def close(self) -> None:
        """Closes the HTTP session."""
        if self._session is not None:
            await self._session.close()


def start_reminders(store: ReminderStore, backend_url: Optional[str], token: Optional[str],
                    interval: float, retry_seconds: float = 120.0
                    ) -> Optional["asyncio.Task[None]"]:
    """Runs the reminder loop in this process (every replica may: a reminder is claimed
    before it is sent); None when there is no backend to deliver through."""
    if not backend_url or not token:
        return None
    return asyncio.get_running_loop().create_task(
        ReminderRunner(store, BackendReminders(backend_url, token), interval=interval,
                       retry_after=dt.timedelta(seconds=retry_seconds)).run())
