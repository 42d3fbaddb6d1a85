"""The handoff queue: open cases by priority, then by how long the victim has waited.

Sorting and paging happen in the database (see priority.py), so the page costs the same
with ten cases or ten thousand. The queue shows no summaries or contact details: those
are on the case page, where each view is audited against the case.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.backend.api.erasures import waiting
from bot.backend.keys import CLOCK, SESSIONS, SETTINGS, USER
from bot.backend.staff.priority import priority_expression
from bot.backend.storage import audit
from bot.backend.storage.models import Handoff, Referral, StaffUser
from bot.backend.storage.vocab import OPEN_STATUSES
from bot.backend.web.templating import render

PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueRow:
    """One open case as the queue shows it."""

    id: uuid.UUID
    priority: int
    requested_at: dt.datetime
    status: str
    risk_flags: list[str]
    jurisdiction: str | None
    channel: str
    contact_method: str
    assignee: str | None


async def load_queue(
    session: AsyncSession, now: dt.datetime, escalation: dt.timedelta, page: int,
    assignee_id: uuid.UUID | None = None,
) -> tuple[list[QueueRow], int]:
    """One page of open cases in queue order, and how many open cases there are."""
    conditions: list[ColumnElement[bool]] = [Handoff.status.in_(OPEN_STATUSES)]
    if assignee_id is not None:
        conditions.append(Handoff.assignee_id == assignee_id)
    total = await session.scalar(select(func.count()).select_from(Handoff).where(*conditions))
    priority = priority_expression(now, escalation)
    result = await session.execute(
        select(Handoff.id, priority, Handoff.requested_at, Handoff.status, Referral.risk_flags,
               Referral.jurisdiction, Referral.channel, Handoff.contact_method,
               StaffUser.email)
        .join(Referral, Handoff.referral_id == Referral.id)
        .outerjoin(StaffUser, Handoff.assignee_id == StaffUser.id)
        .where(*conditions)
        .order_by(priority, Handoff.requested_at, Handoff.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return [QueueRow(*row) for row in result.all()], total or 0


async def queue_page(request: web.Request) -> web.StreamResponse:
    """GET /staff/queue?view=open|mine&page=N."""
    config = request.config_dict
    user = request[USER]
    view = "mine" if request.query.get("view") == "mine" else "open"
    page = _page_number(request.query.get("page", "1"))
    now = config[CLOCK]()
    escalation = dt.timedelta(hours=config[SETTINGS].priority_escalation_hours)
    async with config[SESSIONS].begin() as session:
        rows, total = await load_queue(session, now, escalation, page,
                                       user.id if view == "mine" else None)
        erasures = await waiting(session) if user.role == "admin" else None
        audit.record(session, audit.staff(user.id), "queue.view", now)
    pages = max(1, -(-total // PAGE_SIZE))
    return render("queue.html", request, {
        "rows": rows, "total": total, "page": page, "pages": pages, "view": view, "now": now,
        "escalation_hours": config[SETTINGS].priority_escalation_hours,
        "erasures": erasures,
    })


def _page_number(raw: str) -> int:
    if raw.isascii() and raw.isdigit() and len(raw) <= 6 and int(raw) > 0:
        return int(raw)
    return 1
