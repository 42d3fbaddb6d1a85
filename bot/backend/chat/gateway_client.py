"""Staff replies to Telegram conversations, through the Telegram gateway's internal API.

    POST {TELEGRAM_GATEWAY_URL}/internal/v1/messages
    Authorization: Bearer {TELEGRAM_INTERNAL_TOKEN}
    {"conversation_id": "tg-…", "text": "…"}   →  202 sent, 404 no such conversation,
                                                  410 the person blocked the bot,
                                                  502/503 Telegram or the gateway failed

The gateway escapes the text for Telegram and knows the chat behind the sender id; the
backend never sees a Telegram chat id.
"""

from __future__ import annotations

import logging

import aiohttp

log = logging.getLogger(__name__)


class TelegramGateway:
    """The gateway's internal API, or nothing when it is not configured."""

    def __init__(self, http: aiohttp.ClientSession, url: str | None, token: str | None,
                 timeout_seconds: float) -> None:
        self._http = http
        self._url = url
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def send(self, conversation_id: str, text: str) -> str:
        """"delivered", "not_connected" (unknown to the gateway), "left" (they blocked
        the bot: nothing will reach them), "unavailable" or "not_configured"."""
        if not self._url or not self._token:
            return "not_configured"
        try:
            async with self._http.post(
                f"{self._url}/internal/v1/messages",
                json={"conversation_id": conversation_id, "text": text},
                headers={"Authorization": f"Bearer {self._token}"},
                timeout=self._timeout, allow_redirects=False,
            ) as response:
                status = response.status
        except (TimeoutError, aiohttp.ClientError) as error:
            log.warning("Telegram gateway unreachable: %s", type(error).__name__)
            return "unavailable"
        if 200 <= status < 300:
            return "delivered"
        if status == 404:
            return "not_connected"
        if status == 410:
            return "left"
        log.warning("Telegram gateway refused a staff message: HTTP %s", status)
        return "unavailable"
