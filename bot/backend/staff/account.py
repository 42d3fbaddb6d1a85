"""A staff member's own account: password change, where they are signed in, recovery codes.

    GET  /staff/account                    the page
    POST /staff/account/password           change the password (ASVS 2.1.5, 2.1.6)
    POST /staff/account/sessions/end       sign out everywhere, this browser too (3.3.4)
    POST /staff/account/recovery-codes     new recovery codes, shown once

A wrong current password counts towards the lockout like a failed login, so the form is
no way round it. A changed password ends every other session.
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy import select

from bot.backend.keys import CLOCK, FORM, SESSIONS, SETTINGS, STAFF_SESSION, USER
from bot.backend.staff import auditing, authn, passwords, recovery, sessions
from bot.backend.storage import audit
from bot.backend.storage.models import StaffSession, StaffUser
from bot.backend.web.templating import render

WRONG_CURRENT = "Your current password was not right."
MISMATCH = "The two new passwords are not the same."
SAME = "The new password must differ from the current one."
CHANGED = "Your password is changed; your other sessions are signed out."


async def account_page(request: web.Request) -> web.StreamResponse:
    """GET /staff/account."""
    return await _page(request)


async def change_password(request: web.Request) -> web.StreamResponse:
    """POST /staff/account/password: current, new and confirm."""
    config = request.config_dict
    form = request[FORM]
    current, new = form.get("current", ""), form.get("new", "")
    user = request[USER]
    now = config[CLOCK]()
    if not await passwords.verify(user.password_hash, current[:passwords.MAX_LENGTH * 4]):
        async with config[SESSIONS].begin() as session:
            locked = await session.get(StaffUser, user.id, with_for_update=True)
            if locked is not None:
                authn.register_failure(session, locked, authn.LoginPolicy.from_settings(
                    config[SETTINGS]), now, "bad_current_password")
        return await _page(request, error=WRONG_CURRENT, status=400)
    problem = (MISMATCH if new != form.get("confirm", "") else SAME if new == current
               else passwords.check_strength(new, user.email))
    if problem is not None:
        return await _page(request, error=problem[0].upper() + problem[1:] + ".", status=400)
    new_hash = await asyncio.to_thread(passwords.hash_password, new)
    async with config[SESSIONS].begin() as session:
        row = await session.get(StaffUser, user.id, with_for_update=True)
        if row is None:
            raise web.HTTPSeeOther("/staff/login")
        row.password_hash = new_hash
        await sessions.end_all(session, user.id, keep=request[STAFF_SESSION].id)
        audit.record(session, audit.staff(user.id), "auth.password_changed", now,
                     object_type="staff_user", object_id=user.id)
    return await _page(request, message=CHANGED)


async def end_sessions(request: web.Request) -> web.StreamResponse:
    """POST /staff/account/sessions/end: every session of this user ends, this one too."""
    config = request.config_dict
    user = request[USER]
    async with config[SESSIONS].begin() as session:
        await sessions.end_all(session, user.id)
        audit.record(session, audit.staff(user.id), "auth.sessions_ended", config[CLOCK](),
                     object_type="staff_user", object_id=user.id)
    response = web.HTTPSeeOther("/staff/login")
    sessions.clear_cookie(request, response, sessions.cookie_name(request))
    raise response


async def new_recovery_codes(request: web.Request) -> web.StreamResponse:
    """POST /staff/account/recovery-codes: void the old codes, show new ones once."""
    config = request.config_dict
    user = request[USER]
    if user.totp_secret_enc is None:
        await auditing.deny(request, "auth.recovery_codes", object_type="staff_user",
                            object_id=user.id)
    now = config[CLOCK]()
    async with config[SESSIONS].begin() as session:
        codes = await recovery.replace(session, user.id, now)
        audit.record(session, audit.staff(user.id), "auth.recovery_codes_replaced", now,
                     object_type="staff_user", object_id=user.id)
    return render("recovery_codes.html", request, {"codes": codes})


async def _page(request: web.Request, message: str | None = None, error: str | None = None,
                status: int = 200) -> web.StreamResponse:
    user = request[USER]
    async with request.config_dict[SESSIONS]() as session:
        rows = list(await session.scalars(
            select(StaffSession).where(StaffSession.user_id == user.id)
            .order_by(StaffSession.last_seen_at.desc())))
        left = await recovery.remaining(session, user.id)
    response = render("account.html", request, {
        "sessions": rows, "current_session": request[STAFF_SESSION].id,
        "recovery_left": left, "message": message, "error": error})
    response.set_status(status)
    return response
