"""Writing to Rasa: a person's message through the REST webhook, and events a staff member
adds to a conversation (the takeover slot, their messages) through the HTTP API.

Reading transcripts is transcripts.py's job. As there, Rasa's token travels in the query
string, as Rasa requires, so URLs are never logged and redirects are not followed. Every
failure (down, slow, refusing, answering nonsense) is one exception, RasaUnavailable,
because each caller has one thing to do about it: tell the person or the staff member.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

MAX_REPLY_BYTES = 1024 * 1024
MAX_BUTTONS = 20
MAX_TITLE = 200
MAX_PAYLOAD = 2000


class RasaUnavailable(Exception):
    """Rasa could not take the message or the events; nothing can be assumed done."""


@dataclass(frozen=True)
class Button:
    """A choice the assistant offers: the title is shown, the payload is sent back."""

    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """One message from the assistant."""

    text: str
    buttons: tuple[Button, ...] = ()


class RasaClient:
    """One Rasa server, reached with the app's HTTP client session."""

    def __init__(self, http: aiohttp.ClientSession, rasa_url: str, token: str | None,
                 message_timeout: float, events_timeout: float) -> None:
        self._http = http
        self._rasa_url = rasa_url
        self._token = token
        self._message_timeout = aiohttp.ClientTimeout(total=message_timeout)
        self._events_timeout = aiohttp.ClientTimeout(total=events_timeout)

    async def message(self, sender: str, text: str, metadata: dict[str, Any]) -> list[Reply]:
        """Send a person's message; return the assistant's replies (often several)."""
        body = {"sender": sender, "message": text, "metadata": metadata}
        data = await self._post(f"{self._rasa_url}/webhooks/rest/webhook", body, {},
                                self._message_timeout)
        if not isinstance(data, list):
            raise RasaUnavailable("the webhook did not answer with a list")
        return [reply for reply in map(_reply, data) if reply is not None]

    async def append(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        """Append events to a conversation's tracker, in order, under Rasa's lock."""
        if self._token is None:
            raise RasaUnavailable("RASA_TOKEN is not set")
        url = f"{self._rasa_url}/conversations/{quote(conversation_id, safe='')}/tracker/events"
        await self._post(url, events, {"token": self._token, "include_events": "NONE"},
                         self._events_timeout)

    async def _post(self, url: str, body: object, params: dict[str, str],
                    timeout: aiohttp.ClientTimeout) -> object:
        try:
            async with self._http.post(url, json=body, params=params, timeout=timeout,
                                       allow_redirects=False) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"HTTP {response.status}")
                raw = await response.content.read(MAX_REPLY_BYTES + 1)
        except (TimeoutError, aiohttp.ClientError) as error:
            raise RasaUnavailable(type(error).__name__) from None
        if len(raw) > MAX_REPLY_BYTES:
            raise RasaUnavailable("the answer is too long")
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise RasaUnavailable("the answer is not JSON") from None


def _reply(item: object) -> Reply | None:
    """What a channel may show of one webhook reply: text and buttons; images and custom
    payloads are dropped (the assistant sends none, and the widget shows none)."""
    if not isinstance(item, dict):
        return None
    text = item.get("text") if isinstance(item.get("text"), str) else ""
    buttons = tuple(button for button in map(_button, _list(item.get("buttons")))
                    if button is not None)[:MAX_BUTTONS]
    if not text and not buttons:
        return None
    return Reply(text, buttons)


def _button(item: object) -> Button | None:
    if not isinstance(item, dict):
        return None
    title, payload = item.get("title"), item.get("payload")
    if not isinstance(title, str) or not isinstance(payload, str):
        return None
    if not title.strip() or not payload.strip() or len(payload) > MAX_PAYLOAD:
        return None  # a cut payload would send something else; better no button
    return Button(title[:MAX_TITLE], payload)


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
