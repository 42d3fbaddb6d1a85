"""A handoff's life: new → claimed → in progress → resolved, or withdrawn by the victim.

    new ──claim──▶ claimed ──start──▶ in_progress ──resolve──▶ resolved
     ▲                │                   │
     └────release─────┴───────────────────┘      (reassign: any open state → claimed)

Withdrawal comes from the victim through the API (see conversations.py). These functions
check the status and change the handoff; who may call them is policy.py's business.

Live takeover runs beside the status: a claimed or in-progress case's conversation can be
taken over, and while it is, the case can be neither released nor resolved (the assistant
would stay quiet with nobody answering); the holder ends the takeover first. Reassigning
keeps the takeover, so a supervisor can hand a live conversation to someone else.
"""

from __future__ import annotations

import datetime as dt
import uuid

from bot.backend.storage.models import Handoff
from bot.backend.storage.vocab import OPEN_STATUSES, OUTCOME_LABELS

WORKING = ("claimed", "in_progress")
# The statuses each staff action starts from.
ALLOWED_FROM = {
    "claim": ("new",),
    "start": ("claimed",),
    "release": WORKING,
    "resolve": WORKING,
    "note": WORKING,
    "reassign": OPEN_STATUSES,
    "takeover": WORKING,
}
# Actions that need the assistant answering again first.
NEEDS_ASSISTANT = frozenset({"release", "resolve", "takeover"})
# Actions that exist only during a takeover.
DURING_TAKEOVER = frozenset({"reply", "end_takeover"})


class TransitionError(Exception):
    """The case's status does not allow this; the message is shown to staff."""


def allows(handoff: Handoff, action: str) -> bool:
    """Whether the case's status (and takeover) lets the action happen now."""
    taken_over = handoff.takeover_at is not None
    if action in DURING_TAKEOVER:
        return taken_over
    if taken_over and action in NEEDS_ASSISTANT:
        return False
    return handoff.status in ALLOWED_FROM[action]


def claim(handoff: Handoff, user_id: uuid.UUID, now: dt.datetime) -> None:
    """Take a new case."""
    _require(handoff, "claim", "Only a new case can be claimed.")
    _assign(handoff, user_id, now)


def start(handoff: Handoff, now: dt.datetime) -> None:
    """Mark a claimed case as being worked on."""
    _require(handoff, "start", "Only a claimed case can be marked in progress.")
    handoff.status = "in_progress"
    handoff.updated_at = now


def release(handoff: Handoff, now: dt.datetime) -> None:
    """Put a case back in the queue for someone else."""
    _require(handoff, "release", "Only a claimed or in-progress case can be released.")
    handoff.status = "new"
    handoff.assignee_id = None
    handoff.claimed_at = None
    handoff.updated_at = now


def resolve(handoff: Handoff, outcome: str, now: dt.datetime) -> None:
    """Close a case with an outcome."""
    _require(handoff, "resolve", "Only a claimed or in-progress case can be resolved.")
    if outcome not in OUTCOME_LABELS:
        raise TransitionError("Choose one of the listed outcomes.")
    handoff.status = "resolved"
    handoff.outcome = outcome
    handoff.closed_at = now
    handoff.updated_at = now


def reassign(handoff: Handoff, user_id: uuid.UUID, now: dt.datetime) -> None:
    """Give an open case to a named staff member."""
    _require(handoff, "reassign", "Only an open case can be reassigned.")
    _assign(handoff, user_id, now)


def check_note(handoff: Handoff) -> None:
    """Notes are written while a case is being worked on."""
    _require(handoff, "note", "Notes can be added while a case is claimed or in progress.")


def start_takeover(handoff: Handoff, now: dt.datetime) -> None:
    """The holder is about to speak in the live conversation."""
    _require(handoff, "takeover", "Only a claimed or in-progress case can be taken over.")
    handoff.takeover_at = now
    handoff.updated_at = now


def end_takeover(handoff: Handoff, now: dt.datetime) -> None:
    """The assistant answers again."""
    handoff.takeover_at = None
    handoff.updated_at = now


def _assign(handoff: Handoff, user_id: uuid.UUID, now: dt.datetime) -> None:
    handoff.status = "claimed"
    handoff.assignee_id = user_id
    handoff.claimed_at = now
    handoff.updated_at = now


def _require(handoff: Handoff, action: str, message: str) -> None:
    if handoff.takeover_at is not None and action == "takeover":
        raise TransitionError("The conversation is already taken over.")
    if handoff.takeover_at is not None and action in NEEDS_ASSISTANT:
        raise TransitionError("The conversation is taken over: end the takeover first, so "
                              "the assistant answers again.")
    if not allows(handoff, action):
        raise TransitionError(message)
