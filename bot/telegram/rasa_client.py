"""The assistant, through Rasa's REST channel: one message in, the replies out. The
gateway's one client of Rasa's HTTP API.

Every message carries {"channel": "telegram"}, so the assistant explains Telegram's own
ways of leaving no trace (/clear, the auto-delete timer) rather than a browser's.
"""

from __future__ import annotations

from typing import Any

import aiohttp

METADATA = {"channel": "telegram"}


class AssistantUnavailable(Exception):
    """Rasa did not answer, or answered with something that is not a list of replies."""


class Assistant:
    """A client of Rasa's REST webhook."""

    def __init__(self, session: aiohttp.ClientSession, rasa_url: str,
                 timeout_seconds: float) -> None:
        self._session = session
        self._url = f"{rasa_url}/webhooks/rest/webhook"
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        """The assistant's replies to one message; an empty list is a quiet assistant (a
        staff member has taken over), not a failure."""
        body = {"sender": sender, "message": message, "metadata": METADATA}
        try:
            async with self._session.post(self._url, json=body,
                                          timeout=self._timeout) as response:
                if response.status != 200:
                    raise AssistantUnavailable(f"Rasa answered {response.status}")
                replies = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise AssistantUnavailable(type(error).__name__) from error
        if not isinstance(replies, list):
            raise AssistantUnavailable("Rasa's answer is not a list")
        return [reply for reply in replies if isinstance(reply, dict)]
