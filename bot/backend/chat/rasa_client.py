"""The backend's one client of Rasa's HTTP API: nothing else in bot/backend speaks it.

- `message`: a person's message through the REST webhook (the web chat relay);
- `append`: events a staff member adds to a conversation (the takeover slot, their
  messages), under Rasa's lock;
- `transcript`: a conversation's tracker, as the case page shows it (transcripts.py);
- `trigger`: a due reminder, as the assistant's own message (api/due_reminders.py).

Rasa's token travels in an `Authorization: Bearer` header (bot/assistant/api_guard.py
makes Rasa read it there, and refuses it in a URL); redirects are not followed. Every failure of `message` and `append` (down, slow, refusing,
answering nonsense) is one exception, RasaUnavailable, because each caller has one thing
to do about it: tell the person or the staff member. `transcript` never raises: the case
page says in plain words why there is no transcript.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.backend.chat.transcripts import Transcript, from_tracker
from bot.case_documents import Requested, requested

MAX_REPLY_BYTES = 1024 * 1024
MAX_TRACKER_BYTES = 8 * 1024 * 1024
MAX_BUTTONS = 20
MAX_TITLE = 200
MAX_PAYLOAD = 2000
TOO_LONG = "the answer is too long"
NOT_JSON = "the answer is not JSON"


class RasaUnavailable(Exception):
    """Rasa could not take the message or the events; nothing can be assumed done."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status


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
    # A copy of the person's log to offer for download (bot/case_documents.py).
    document: Requested | None = None


class RasaClient:
    """One Rasa server, reached with the app's HTTP client session.

    `message_timeout` bounds a person's wait for the assistant (WIDGET_RASA_TIMEOUT_SECONDS);
    `staff_timeout` bounds the dashboard's requests (STAFF_RASA_TIMEOUT_SECONDS).
    """

    def __init__(self, http: aiohttp.ClientSession, rasa_url: str, token: str | None,
                 message_timeout: float, staff_timeout: float) -> None:
        self._http = http
        self._rasa_url = rasa_url
        self._token = token
        self._message_timeout = aiohttp.ClientTimeout(total=message_timeout)
        self._staff_timeout = aiohttp.ClientTimeout(total=staff_timeout)

    async def message(self, sender: str, text: str, metadata: dict[str, Any]) -> list[Reply]:
        """Send a person's message; return the assistant's replies (often several)."""
        body = {"sender": sender, "message": text, "metadata": metadata}
        data = await self._request("POST", f"{self._rasa_url}/webhooks/rest/webhook", body,
                                   {}, self._message_timeout, MAX_REPLY_BYTES)
        if not isinstance(data, list):
            raise RasaUnavailable("the webhook did not answer with a list")
        return [reply for reply in map(_reply, data) if reply is not None]

    async def append(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        """Append events to a conversation's tracker, in order, under Rasa's lock."""
        if self._token is None:
            raise RasaUnavailable("RASA_TOKEN is not set")
        await self._request("POST", f"{self._tracker_url(conversation_id)}/events", events,
                            {"include_events": "NONE"},
                            self._staff_timeout, MAX_REPLY_BYTES)

    async def transcript(self, conversation_id: str) -> Transcript:
        """The transcript, or a Transcript whose `problem` says why there is none."""
        if self._token is None:
            return Transcript(problem="Transcripts are not configured (RASA_TOKEN is not set).")
        try:
            tracker = await self._request(
                "GET", self._tracker_url(conversation_id), None,
                {"include_events": "ALL"}, self._staff_timeout,
                MAX_TRACKER_BYTES)
        except RasaUnavailable as error:
            return Transcript(problem=_transcript_problem(error))
        return from_tracker(tracker)

    async def trigger(self, conversation_id: str, intent: str,
                      entities: dict[str, Any]) -> list[str]:
        """Trigger an intent in a conversation (a due reminder); the texts the assistant
        said in reply, which the caller delivers on the person's channel."""
        if self._token is None:
            raise RasaUnavailable("RASA_TOKEN is not set")
        url = f"{self._rasa_url}/conversations/{quote(conversation_id, safe='')}/trigger_intent"
        data = await self._request("POST", url, {"name": intent, "entities": entities},
                                   {"include_events": "NONE"}, self._staff_timeout,
                                   MAX_REPLY_BYTES)
        messages = data.get("messages") if isinstance(data, dict) else None
        if not isinstance(messages, list):
            raise RasaUnavailable("trigger_intent did not answer with messages")
        return [m["text"] for m in messages if isinstance(m, dict)
                and isinstance(m.get("text"), str) and m["text"].strip()]

    def _tracker_url(self, conversation_id: str) -> str:
        return f"{self._rasa_url}/conversations/{quote(conversation_id, safe='')}/tracker"

    async def _request(self, method: str, url: str, body: object, params: dict[str, str],
                       timeout: aiohttp.ClientTimeout, max_bytes: int) -> object:
        """One request; its JSON answer, or RasaUnavailable saying what went wrong."""
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        try:
            async with self._http.request(method, url, json=body, params=params,
                                          headers=headers, timeout=timeout,
                                          allow_redirects=False) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"HTTP {response.status}", response.status)
                raw = await response.content.read(max_bytes + 1)
        except (TimeoutError, aiohttp.ClientError) as error:
            raise RasaUnavailable(type(error).__name__) from None
        if len(raw) > max_bytes:
            raise RasaUnavailable(TOO_LONG)
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise RasaUnavailable(NOT_JSON) from None


def _transcript_problem(error: RasaUnavailable) -> str:
    """What the case page says instead of the transcript."""
    if error.status in (401, 403):
        return "The assistant's server refused our token."
    if error.status is not None:
        return ("The assistant's server could not provide the transcript "
                f"(HTTP {error.status}).")
    if str(error) == TOO_LONG:
        return "The transcript is too long to show here."
    if str(error) == NOT_JSON:
        return "The assistant's server sent a transcript we cannot read."
    return ("The assistant's server could not be reached, so the transcript cannot be "
            "shown. Try again later.")


def _reply(item: object) -> Reply | None:
    """What a channel may show of one webhook reply: text and buttons, or a copy of the
    person's log to download; images and other custom payloads are dropped."""
    if not isinstance(item, dict):
        return None
    document = requested(item)
    if document is not None:
        return Reply("", (), document)
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
