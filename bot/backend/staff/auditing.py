"""Audit entries for dashboard requests that change nothing else: views and denials."""

from __future__ import annotations

import uuid
from typing import NoReturn

from aiohttp import web

from bot.backend.keys import CLOCK, SESSIONS, USER
from bot.backend.storage import audit


def actor(request: web.Request) -> audit.Actor:
    """The signed-in staff member, or anonymous before login."""
    user = request.get(USER)
    return audit.ANONYMOUS if user is None else audit.staff(user.id)


async def record(
    request: web.Request, action: str, *, object_type: str | None = None,
    object_id: uuid.UUID | None = None, outcome: str = "ok", detail: str | None = None,
) -> None:
    """Write one entry in its own transaction."""
    async with request.config_dict[SESSIONS].begin() as session:
        audit.record(session, actor(request), action, request.config_dict[CLOCK](),
                     object_type=object_type, object_id=object_id, outcome=outcome,
                     detail=detail)


async def deny(
    request: web.Request, action: str, *, object_type: str | None = None,
    object_id: uuid.UUID | None = None,
) -> NoReturn:
    """Audit a refused request (ASVS 7.2.2) and answer 403."""
    await record(request, action, object_type=object_type, object_id=object_id,
                 outcome="denied")
    raise web.HTTPForbidden()
