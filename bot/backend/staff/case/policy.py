"""Who may see and do what to a case (object-level access control, ASVS 4.2.1).

- Anyone signed in may see the queue and a case nobody holds, and claim it.
- A case someone holds is theirs: only they may work on it (start, note, resolve,
  release). Another advisor can neither open it nor act on it.
- Supervisors and admins may open every case, release it or reassign it to someone;
  to work on it themselves they reassign it to themselves, which is audited.
- Only the holder speaks in the live conversation: takes it over, writes in it and hands
  it back to the assistant. Nobody speaks for a case nobody holds.

Each rule below is a `Who`; every case action's row (actions.py) names the one it follows.
These rules are about whose case it is. Whether the case's status allows an action
(claiming a resolved case, noting an unclaimed one) is workflow.py's question, answered
with 409 rather than 403.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.backend.storage.models import Handoff, StaffUser
from bot.backend.storage.vocab import SUPERVISOR_ROLES

Who = Callable[[StaffUser, Handoff], bool]


def is_supervisor(user: StaffUser) -> bool:
    """Supervisors and admins oversee every case."""
    return user.role in SUPERVISOR_ROLES


def can_view(user: StaffUser, handoff: Handoff) -> bool:
    """Unheld cases are open to all staff; held ones to the holder and supervisors."""
    return unheld_or_holder(user, handoff) or is_supervisor(user)


def unheld_or_holder(user: StaffUser, handoff: Handoff) -> bool:
    """A case nobody holds is anyone's to take; a held one is its holder's to work."""
    return handoff.assignee_id in (None, user.id)


def holder_or_supervisor(user: StaffUser, handoff: Handoff) -> bool:
    """As unheld_or_holder, and supervisors too (they may put any case back)."""
    return unheld_or_holder(user, handoff) or is_supervisor(user)


def supervisor(user: StaffUser, _handoff: Handoff) -> bool:
    """Only supervisors and admins, whoever holds the case."""
    return is_supervisor(user)


def holder(user: StaffUser, handoff: Handoff) -> bool:
    """Only the staff member holding the case; nobody for a case nobody holds."""
    return handoff.assignee_id is not None and handoff.assignee_id == user.id
