"""The case actions that change only the database: claim, start, release, resolve, note,
reassign. Each is a step run inside the guard's one transaction (guard.py): the case is
locked and its policy and workflow rule checked before the step runs, and the step's
change and its audit entry are written together or not at all. The answer is a redirect
back to the case page.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from bot.backend.keys import FORM
from bot.backend.staff.case import workflow
from bot.backend.staff.case.guard import OpenCase, handoff_id, open_case
from bot.backend.storage import counts
from bot.backend.storage.models import Note, StaffUser
from bot.backend.web.validation import ValidationError, text

if TYPE_CHECKING:
    from bot.backend.staff.case.actions import CaseAction, Handler

NOTE_MAX = 4000
# A step changes the open case; what it returns is added to the audit entry.
Step = Callable[[OpenCase, dict[str, str]], Awaitable[str | None]]


def in_one_transaction(step: Step) -> Handler:
    """The POST handler that runs `step` on the locked, checked case and audits it."""

    async def handle(request: web.Request, action: CaseAction) -> web.StreamResponse:
        async with open_case(request, action.audit_name, action.who,
                             rule=action.rule) as case:
            detail = await step(case, request[FORM])
            case.audit(action.audit_name, detail)
        raise web.HTTPSeeOther(f"/staff/cases/{handoff_id(request)}")

    return handle


async def claim(case: OpenCase, _form: dict[str, str]) -> None:
    """The signed-in staff member takes the case."""
    workflow.claim(case.handoff, case.user.id, case.now)


async def start(case: OpenCase, _form: dict[str, str]) -> None:
    """The holder is working on it."""
    workflow.start(case.handoff, case.now)


async def release(case: OpenCase, _form: dict[str, str]) -> None:
    """Back to the queue."""
    workflow.release(case.handoff, case.now)


async def resolve(case: OpenCase, form: dict[str, str]) -> str:
    """Closed with an outcome, which is counted for the anonymous statistics."""
    outcome = form.get("outcome", "")
    workflow.resolve(case.handoff, outcome, case.now)
    await counts.bump(case.session, [(counts.week_of(case.now), counts.OUTCOMES, outcome, 1)])
    return f"outcome={outcome}"


async def note(case: OpenCase, form: dict[str, str]) -> None:
    """A note, encrypted at rest; its text is never audited."""
    try:
        body = text(form.get("body", ""), "note", max_length=NOTE_MAX, multiline=True)
    except ValidationError as error:
        raise web.HTTPUnprocessableEntity(text=f"The note {error.message}.") from None
    case.session.add(Note(id=uuid.uuid4(), handoff_id=case.handoff.id, author_id=case.user.id,
                          created_at=case.now, body_enc=case.vault.encrypt(body)))
    workflow.noted(case.handoff, case.now)


async def reassign(case: OpenCase, form: dict[str, str]) -> str:
    """Given to a named, active staff member."""
    try:
        target = await case.session.get(StaffUser, uuid.UUID(form.get("assignee", "")))
    except ValueError:
        target = None
    if target is None or not target.active:
        raise web.HTTPUnprocessableEntity(text="Choose an active staff member.")
    workflow.reassign(case.handoff, target.id, case.now)
    return f"assignee={target.id}"
