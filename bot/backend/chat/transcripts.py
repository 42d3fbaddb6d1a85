"""What staff see of a conversation: its transcript, made from Rasa's tracker.

Only what staff need is kept: who spoke (the victim, the assistant, a staff member during
a takeover, or a takeover note), what was said and when, and whether the assistant is
paused (the `human_takeover` slot). Intents, other slots and action names are dropped.
The tracker is fetched by rasa_client.py; a Rasa that is down, slow or refusing the token
gives a Transcript whose `problem` explains it plainly, never an error page: the rest of
the case is still useful.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.contract import TAKEOVER_KEY, TAKEOVER_ROLE_KEY, TAKEOVER_SLOT

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


def from_tracker(tracker: object) -> Transcript:
    """The transcript in a tracker as Rasa's API returns it (JSON, already parsed)."""
    unreadable = Transcript(problem="The assistant's server sent a transcript we cannot read.")
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
    if event["event"] == "user" and isinstance(metadata, dict) and metadata.get("is_external"):
        return None  # an intent the backend triggered (a reminder), never the person's words
    if event["event"] == "bot" and isinstance(metadata, dict):
        takeover, role = metadata.get(TAKEOVER_KEY), metadata.get(TAKEOVER_ROLE_KEY)
        if isinstance(takeover, str) and takeover in TAKEOVER_SPEAKERS:
            return Message(TAKEOVER_SPEAKERS[takeover], text, at,
                           role if isinstance(role, str) and role.isalpha() else None)
    return Message(SPEAKERS[event["event"]], text, at)
