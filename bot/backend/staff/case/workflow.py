"""A handoff's life: new → claimed → in progress → resolved, or withdrawn by the victim.

    new ──claim──▶ claimed ──start──▶ in_progress ──resolve──▶ resolved
     ▲                │                   │
     └────release─────┴───────────────────┘      (reassign: any open state → claimed)

This module is the only place that changes a handoff's status. Each staff action's
`Rule` (its row in actions.py) says which statuses it starts from; the guard (guard.py)
checks it before the action runs, and the functions here make the change. Withdrawal
comes from the victim through the API (api/conversations.py). Who may act is policy.py's
business.

Live takeover runs beside the status: a claimed or in-progress case's conversation can be
taken over, and while it is, the case can be neither released nor resolved (the assistant
would stay quiet with nobody answering); the holder ends the takeover first. Reassigning
keeps the takeover, so a supervisor can hand a live conversation to someone else.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from bot.backend.storage.models import Handoff
from bot.backend.storage.vocab import OPEN_STATUSES, OUTCOME_LABELS, STATUS_LABELS, WITHDRAWN

WORKING = ("claimed", "in_progress")
ANY_STATUS = tuple(STATUS_LABELS)
END_TAKEOVER_FIRST = ("The conversation is taken over: end the takeover first, so the "
                      "assistant answers again.")


class TransitionError(Exception):
    """The case's status does not allow this; the message is shown to staff."""


@dataclass(frozen=True)
class Rule:
    """When a case's state lets an action happen.

    `during_takeover`: True, only while the conversation is taken over; False, never while
    it is (the assistant must be answering again first); None, either way.
    """

    from_statuses: tuple[str, ...]
    refusal: str
    during_takeover: bool | None = None
    taken_over_refusal: str = END_TAKEOVER_FIRST


def allows(handoff: Handoff, rule: Rule) -> bool:
    """Whether the case's status (and takeover) lets the action happen now."""
    taken_over = handoff.takeover_at is not None
    if rule.during_takeover is not None and taken_over != rule.during_takeover:
        return False
    return handoff.status in rule.from_statuses


def require(handoff: Handoff, rule: Rule) -> None:
    """Raise TransitionError, with the words staff are shown, unless `allows`."""
    if rule.during_takeover is False and handoff.takeover_at is not None:
        raise TransitionError(rule.taken_over_refusal)
    if not allows(handoff, rule):
        raise TransitionError(rule.refusal)


def claim(handoff: Handoff, user_id: uuid.UUID, now: dt.datetime) -> None:
    """Take a new case."""
    _assign(handoff, user_id, now)


def start(handoff: Handoff, now: dt.datetime) -> None:
    """Mark a claimed case as being worked on."""
    handoff.status = "in_progress"
    handoff.updated_at = now


def release(handoff: Handoff, now: dt.datetime) -> None:
    """Put a case back in the queue for someone else."""
    handoff.status = "new"
    handoff.assignee_id = None
    handoff.claimed_at = None
    handoff.updated_at = now


def resolve(handoff: Handoff, outcome: str, now: dt.datetime) -> None:
    """Close a case with one of the listed outcomes."""
    if outcome not in OUTCOME_LABELS:
        raise TransitionError("Choose one of the listed outcomes.")
    handoff.status = "resolved"
    handoff.outcome = outcome
    handoff.closed_at = now
    handoff.updated_at = now


def reassign(handoff: Handoff, user_id: uuid.UUID, now: dt.datetime) -> None:
    """Give an open case to a named staff member."""
    _assign(handoff, user_id, now)


def noted(handoff: Handoff, now: dt.datetime) -> None:
    """A note was added: the case was touched, its status stays."""
    handoff.updated_at = now


def start_takeover(handoff: Handoff, now: dt.datetime) -> None:
    """The holder is about to speak in the live conversation."""
    handoff.takeover_at = now
    handoff.updated_at = now


def end_takeover(handoff: Handoff, now: dt.datetime) -> None:
    """The assistant answers again."""
    handoff.takeover_at = None
    handoff.updated_at = now


def withdraw(handoff: Handoff, now: dt.datetime) -> None:
    """The victim withdrew their request (through the API), whatever the open status."""
    if handoff.status not in OPEN_STATUSES:
        raise TransitionError("Only an open request can be withdrawn.")
    handoff.status = WITHDRAWN
    handoff.closed_at = now
    handoff.updated_at = now


def _assign(handoff: Handoff, user_id: uuid.UUID, now: dt.datetime) -> None:
    handoff.status = "claimed"
    handoff.assignee_id = user_id
    handoff.claimed_at = now
    handoff.updated_at = now
