"""What staff do to a case: claim, start, release, note, resolve, reassign.

Every action locks the handoff row, checks the policy (who) and then the workflow (what
status), and writes the change and its audit entry in one transaction. A refused action
is audited as denied and answered 403; a case whose status changed under the user's feet
gets 409 with an explanation, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.backend.storage import audit, counts
from bot.backend.storage.crypto import Vault
from bot.backend.keys import CLOCK, FORM, SESSIONS, USER, VAULT
from bot.backend.storage.models import Handoff, Note, StaffUser
from bot.backend.staff import auditing
from bot.backend.staff.case import policy, workflow
from bot.backend.staff.case.page import handoff_id
from bot.backend.web.validation import ValidationError, text

NOTE_MAX = 4000


@dataclass(frozen=True)
class Context:
    """What an action step may use."""

    session: AsyncSession
    user: StaffUser
    form: dict[str, str]
    vault: Vault
    now: dt.datetime


Step = Callable[[Handoff, Context], Awaitable[str | None]]


async def _claim(handoff: Handoff, ctx: Context) -> None:
    workflow.claim(handoff, ctx.user.id, ctx.now)


async def _start(handoff: Handoff, ctx: Context) -> None:
    workflow.start(handoff, ctx.now)


async def _release(handoff: Handoff, ctx: Context) -> None:
    workflow.release(handoff, ctx.now)


async def _resolve(handoff: Handoff, ctx: Context) -> str:
    outcome = ctx.form.get("outcome", "")
    workflow.resolve(handoff, outcome, ctx.now)
    await counts.bump(ctx.session, [(counts.week_of(ctx.now), counts.OUTCOMES, outcome, 1)])
    return f"outcome={outcome}"


async def _note(handoff: Handoff, ctx: Context) -> None:
    workflow.check_note(handoff)
    try:
        body = text(ctx.form.get("body", ""), "note", max_length=NOTE_MAX, multiline=True)
    except ValidationError as error:
        raise web.HTTPUnprocessableEntity(text=f"The note {error.message}.") from None
    ctx.session.add(Note(id=uuid.uuid4(), handoff_id=handoff.id, author_id=ctx.user.id,
                         created_at=ctx.now, body_enc=ctx.vault.encrypt(body)))
    handoff.updated_at = ctx.now


async def _reassign(handoff: Handoff, ctx: Context) -> str:
    try:
        target = await ctx.session.get(StaffUser, uuid.UUID(ctx.form.get("assignee", "")))
    except ValueError:
        target = None
    if target is None or not target.active:
        raise web.HTTPUnprocessableEntity(text="Choose an active staff member.")
    workflow.reassign(handoff, target.id, ctx.now)
    return f"assignee={target.id}"


STEPS: dict[str, Step] = {
    "claim": _claim,
    "start": _start,
    "release": _release,
    "resolve": _resolve,
    "note": _note,
    "reassign": _reassign,
}


def handler(action: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The POST handler for one action."""

    async def perform(request: web.Request) -> web.StreamResponse:
        await _perform(request, action, STEPS[action])
        raise web.HTTPSeeOther(f"/staff/cases/{handoff_id(request)}")

    perform.__doc__ = f"POST /staff/cases/{{handoff_id}}/{action}."
    return perform


async def _perform(request: web.Request, action: str, step: Step) -> None:
    config = request.config_dict
    user = request[USER]
    case_id = handoff_id(request)
    now = config[CLOCK]()
    async with config[SESSIONS].begin() as session:
        handoff = await session.get(Handoff, case_id, with_for_update=True)
        if handoff is None:
            raise web.HTTPNotFound()
        allowed = policy.can(user, handoff, action)
        if allowed:
            context = Context(session, user, request[FORM], config[VAULT], now)
            try:
                detail = await step(handoff, context)
            except workflow.TransitionError as error:
                raise web.HTTPConflict(text=str(error)) from None
            audit.record(session, audit.staff(user.id), f"case.{action}", now,
                         object_type="handoff", object_id=handoff.id, detail=detail)
    if not allowed:
        await auditing.deny(request, f"case.{action}", object_type="handoff", object_id=case_id)
