"""Tells the backend when a person leaves (/clear, /delete), so staff see it and stop
writing: a message arriving after someone cleared the chat could be seen by the very
person they cleared it from.

Best effort by design: the person is never kept waiting for it, and a backend that is down,
slow or does not know the conversation (404) changes nothing for them.
"""

from __future__ import annotations

import logging

import aiohttp

logger = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=10)


class Backend:
    """The referral backend's service API, as far as the gateway needs it."""

    def __init__(self, session: aiohttp.ClientSession, url: str | None,
                 token: str | None) -> None:
        self._session = session
        self._url = url
        self._token = token

    async def person_left(self, conversation_id: str) -> int | None:
        """POSTs .../conversations/{id}/left; returns the status, None if not sent."""
        if not self._url or not self._token:
            return None
        url = f"{self._url}/api/v1/conversations/{conversation_id}/left"
        try:
            async with self._session.post(
                    url, headers={"Authorization": f"Bearer {self._token}"},
                    timeout=TIMEOUT) as response:
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            logger.warning("could not tell the backend a person left: %s",
                           type(error).__name__)
            return None
        if status >= 400 and status != 404:  # 404: the backend has nothing on this chat
            logger.warning("the backend answered %d when told a person left", status)
        return status
