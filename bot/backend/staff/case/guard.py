"""The one way into a case: find it, lock it, check the policy and the workflow, audit.

Every request about one case (the page, the live feed, each action) opens it here:

    async with open_case(request, "case.claim", policy.unheld_or_holder,
                         rule=claim_rule) as case:
        workflow.claim(case.handoff, case.user.id, case.now)
        case.audit("case.claim")

- a case id that is not a UUID, or no such case: 404;
- the policy refuses: the transaction is rolled back, the refusal audited (ASVS 7.2.2) and
  answered 403;
- with `rule`, a status that does not allow the action: 409 with the workflow's words,
  and likewise a TransitionError raised inside the block; nothing is written.
The row is locked (SELECT … FOR UPDATE) unless `lock=False`, for reads, so two staff
members acting on one case at once are applied one after the other.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.backend.keys import CLOCK, SESSIONS, USER, VAULT
from bot.backend.staff import auditing
from bot.backend.staff.case import workflow
from bot.backend.staff.case.policy import Who
from bot.backend.storage import audit
from bot.backend.storage.crypto import Vault
from bot.backend.storage.models import Handoff, StaffUser


@dataclass(frozen=True)
class OpenCase:
    """A case opened by `open_case`, valid inside its block (one transaction)."""

    session: AsyncSession
    handoff: Handoff
    user: StaffUser
    vault: Vault
    now: dt.datetime

    def audit(self, action: str, detail: str | None = None) -> None:
        """Record what the signed-in staff member did, in the same transaction."""
        audit.record(self.session, audit.staff(self.user.id), action, self.now,
                     object_type="handoff", object_id=self.handoff.id, detail=detail)


def handoff_id(request: web.Request) -> uuid.UUID:
    """The case id from the URL; anything that is not a UUID is simply not found."""
    try:
        return uuid.UUID(request.match_info["handoff_id"])
    except ValueError:
        raise web.HTTPNotFound() from None


@asynccontextmanager
async def open_case(request: web.Request, action: str, permitted: Who, *,
                    rule: workflow.Rule | None = None,
                    lock: bool = True) -> AsyncIterator[OpenCase]:
    """The case of the request's URL, for `action` (the name audited if refused)."""
    config = request.config_dict
    user = request[USER]
    case_id = handoff_id(request)
    denied = False
    async with config[SESSIONS].begin() as session:
        handoff = await session.get(Handoff, case_id, with_for_update=lock)
        if handoff is None:
            raise web.HTTPNotFound()
        if permitted(user, handoff):
            try:
                if rule is not None:
                    workflow.require(handoff, rule)
                yield OpenCase(session, handoff, user, config[VAULT], config[CLOCK]())
            except workflow.TransitionError as error:
                raise web.HTTPConflict(text=str(error)) from None
        else:
            denied = True
    if denied:  # audited in its own transaction, after this one is rolled back
        await auditing.deny(request, action, object_type="handoff", object_id=case_id)
