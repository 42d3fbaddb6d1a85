"""Who may see and do what to a case (object-level access control, ASVS 4.2.1).

- Anyone signed in may see the queue and a case nobody holds, and claim it.
- A case someone holds is theirs: only they may work on it (start, note, resolve,
  release). Another advisor can neither open it nor act on it.
- Supervisors and admins may open every case, release it or reassign it to someone;
  to work on it themselves they reassign it to themselves, which is audited.
- Only the holder speaks in the live conversation: takes it over, writes in it and hands
  it back to the assistant. Nobody speaks for a case nobody holds.

These rules are about whose case it is. Whether the case's status allows an action
(claiming a resolved case, noting an unclaimed one) is workflow.py's question, answered
with 409 rather than 403.
"""

from __future__ import annotations

from bot.backend.storage.models import Handoff, StaffUser
from bot.backend.storage.vocab import SUPERVISOR_ROLES

HOLDER_ACTIONS = frozenset({"claim", "start", "note", "resolve"})
SPEAKER_ACTIONS = frozenset({"takeover", "reply", "end_takeover"})


def is_supervisor(user: StaffUser) -> bool:
    """Supervisors and admins oversee every case."""
    return user.role in SUPERVISOR_ROLES


def can_view(user: StaffUser, handoff: Handoff) -> bool:
    """Unheld cases are open to all staff; held ones to the holder and supervisors."""
    return handoff.assignee_id in (None, user.id) or is_supervisor(user)


def can(user: StaffUser, handoff: Handoff, action: str) -> bool:
    """Whether the user may perform `action` on this case, whatever its status."""
    unheld_or_mine = handoff.assignee_id in (None, user.id)
    if action in SPEAKER_ACTIONS:
        return handoff.assignee_id is not None and handoff.assignee_id == user.id
    if action in HOLDER_ACTIONS:
        return unheld_or_mine
    if action == "release":
        return unheld_or_mine or is_supervisor(user)
    if action == "reassign":
        return is_supervisor(user)
    return False
