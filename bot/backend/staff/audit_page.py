"""The audit log page, for admins: the latest entries, newest first."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from bot.backend.keys import CLOCK, SESSIONS, USER
from bot.backend.staff import auditing
from bot.backend.storage import audit
from bot.backend.storage.models import AuditEntry, StaffUser
from bot.backend.web.templating import render

SHOWN = 500


async def audit_page(request: web.Request) -> web.StreamResponse:
    """GET /staff/audit: admins only; everyone else's attempt is itself audited."""
    config = request.config_dict
    user = request[USER]
    if user.role != "admin":
        await auditing.deny(request, "audit.view")
    async with config[SESSIONS].begin() as session:
        result = await session.execute(
            select(AuditEntry, StaffUser.email)
            .outerjoin(StaffUser, AuditEntry.actor_id == StaffUser.id)
            .order_by(AuditEntry.id.desc())
            .limit(SHOWN)
        )
        entries = result.all()
        audit.record(session, audit.staff(user.id), "audit.view", config[CLOCK]())
    return render("audit.html", request, {"entries": entries})
