"""Conversation transcripts for the case page, read from Rasa's HTTP API.

Only what staff need is kept: who spoke (the victim, the assistant, a staff member during
a takeover, or a takeover note), what was said and when, and whether the assistant is
paused (the `human_takeover` slot). Intents, other slots and action names are dropped. Rasa's token travels in the query
string, as Rasa requires, so the URL is never logged and redirects are not followed.
A Rasa that is down, slow or refusing the token gives a plain explanation, never an error
page: the rest of the case is still useful.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from urllib.parse import quote

import aiohttp

from bot.contract import TAKEOVER_KEY, TAKEOVER_ROLE_KEY, TAKEOVER_SLOT

MAX_TRACKER_BYTES = 8 * 1024 * 1024
SPEAKERS = {"user": "victim", "bot": "assistant"}
# Bot events the backend adds during a takeover carry {"takeover": kind, "staff_role": …}.
TAKEOVER_SPEAKERS = {"reply": "staff", "join": "note", "end": "note"}


@dataclass(frozen=True)
class Message:
    """One line of the conversation."""

    speaker: str
    text: str
    at: dt.datetime
    staff_role: str | None = None

    @property
    def label(self) -> str:
        """Who said it, as staff read it."""
        if self.speaker == "staff":
            return f"Staff ({self.staff_role})" if self.staff_role else "Staff"
        return {"victim": "Victim", "assistant": "Assistant", "note": "Takeover"}[self.speaker]


@dataclass(frozen=True)
class Transcript:
    """The messages, or why they cannot be shown."""

    messages: tuple[Message, ...] = ()
    problem: str | None = None
    # Rasa's `human_takeover` slot: the assistant is quiet but for crisis replies.
    paused: bool = False


class TranscriptClient:
    """Fetches one conversation's messages from Rasa."""

    def __init__(self, http: aiohttp.ClientSession, rasa_url: str, token: str | None,
                 timeout_seconds: float) -> None:
        self._http = http
        self._rasa_url = rasa_url
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def fetch(self, conversation_id: str) -> Transcript:
        """The transcript, or a Transcript whose `problem` says why there is none."""
        if self._token is None:
            return Transcript(problem="Transcripts are not configured (RASA_TOKEN is not set).")
        url = f"{self._rasa_url}/conversations/{quote(conversation_id, safe='')}/tracker"
        params = {"token": self._token, "include_events": "ALL"}
        try:
            async with self._http.get(url, params=params, timeout=self._timeout,
                                      allow_redirects=False) as response:
                if response.status in (401, 403):
                    return Transcript(problem="The assistant's server refused our token.")
                if response.status != 200:
                    return Transcript(problem="The assistant's server could not provide "
                                              f"the transcript (HTTP {response.status}).")
                body = await _read_capped(response)
        except (TimeoutError, aiohttp.ClientError):
            return Transcript(problem="The assistant's server could not be reached, so the "
                                      "transcript cannot be shown. Try again later.")
        return _parse(body)


async def _read_capped(response: aiohttp.ClientResponse) -> bytes | None:
    body = await response.content.read(MAX_TRACKER_BYTES + 1)
    return None if len(body) > MAX_TRACKER_BYTES else body


def _parse(body: bytes | None) -> Transcript:
    unreadable = Transcript(problem="The assistant's server sent a transcript we cannot read.")
    if body is None:
        return Transcript(problem="The transcript is too long to show here.")
    try:
        tracker = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return unreadable
    events = tracker.get("events") if isinstance(tracker, dict) else None
    if not isinstance(events, list):
        return unreadable
    messages = [message for message in map(_message, events) if message is not None]
    slots = tracker.get("slots")
    paused = isinstance(slots, dict) and slots.get(TAKEOVER_SLOT) is True
    return Transcript(messages=tuple(messages), paused=paused)


def _message(event: object) -> Message | None:
    if not isinstance(event, dict) or event.get("event") not in SPEAKERS:
        return None
    text, timestamp = event.get("text"), event.get("timestamp")
    if not isinstance(text, str) or not isinstance(timestamp, (int, float)):
        return None
    try:
        at = dt.datetime.fromtimestamp(timestamp, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    metadata = event.get("metadata")
    if event["event"] == "bot" and isinstance(metadata, dict):
        takeover, role = metadata.get(TAKEOVER_KEY), metadata.get(TAKEOVER_ROLE_KEY)
        if isinstance(takeover, str) and takeover in TAKEOVER_SPEAKERS:
            return Message(TAKEOVER_SPEAKERS[takeover], text, at,
                           role if isinstance(role, str) and role.isalpha() else None)
    return Message(SPEAKERS[event["event"]], text, at)
