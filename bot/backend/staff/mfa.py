"""The second factor: asking for a TOTP code, and enrolling an authenticator.

A user whose role requires TOTP and who has none yet enrols right after the password
step: we show a new secret, and keep it (encrypted, on the pending session) until a code
made from it proves the authenticator works. Then ten recovery codes are shown, once
(recovery.py); any one of them stands in for the authenticator, once. Wrong codes count
towards the lockout like wrong passwords, and towards the client address's limit.
Success issues a new session token.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.backend.keys import CLOCK, FORM, SESSIONS, SETTINGS, STAFF_SESSION, USER, VAULT
from bot.backend.staff import authn, login, recovery, sessions, totp
from bot.backend.storage import audit
from bot.backend.storage.models import StaffSession, StaffUser
from bot.backend.web.templating import render

WRONG_CODE = "That code was not right, or was already used. Try the next one."


def _require_pending(request: web.Request) -> None:
    """These pages are for a session still waiting for its second factor, and no other."""
    if request[STAFF_SESSION].mfa_passed:
        raise web.HTTPSeeOther("/staff/queue")


async def mfa_page(request: web.Request) -> web.StreamResponse:
    """Ask for a code, or send a user without an authenticator to enrol one."""
    _require_pending(request)
    if request[USER].totp_secret_enc is None:
        raise web.HTTPSeeOther("/staff/mfa/enrol")
    return render("mfa.html", request, {"error": None})


async def mfa_submit(request: web.Request) -> web.StreamResponse:
    """Check the code against the enrolled secret, or spend a recovery code."""
    _require_pending(request)
    config = request.config_dict
    now = config[CLOCK]()
    if await login.address_throttled(request):
        response = render("mfa.html", request, {"error": login.THROTTLED})
        response.set_status(429)
        return response
    async with config[SESSIONS].begin() as session:
        user = await session.get(StaffUser, request[USER].id, with_for_update=True)
        if user is None or user.totp_secret_enc is None:
            raise web.HTTPSeeOther("/staff/mfa/enrol")
        secret = config[VAULT].decrypt(user.totp_secret_enc)
        outcome = await _second_factor(request, session, user, secret, now)
    return await _finish(request, outcome, "mfa.html", {"error": WRONG_CODE})


async def enrol_page(request: web.Request) -> web.StreamResponse:
    """Show a new secret for the authenticator app."""
    _require_pending(request)
    config = request.config_dict
    if request[USER].totp_secret_enc is not None:
        raise web.HTTPSeeOther("/staff/mfa")
    async with config[SESSIONS].begin() as session:
        pending = await session.get(StaffSession, request[STAFF_SESSION].id)
        if pending is None:
            raise web.HTTPSeeOther("/staff/login")
        if pending.totp_pending_enc is None:
            pending.totp_pending_enc = config[VAULT].encrypt(totp.new_secret())
        secret = config[VAULT].decrypt(pending.totp_pending_enc)
    return render("enrol.html", request, _enrol_context(request, secret))


async def enrol_submit(request: web.Request) -> web.StreamResponse:
    """Store the secret once a code made from it is right."""
    _require_pending(request)
    config = request.config_dict
    now = config[CLOCK]()
    async with config[SESSIONS].begin() as session:
        pending = await session.get(StaffSession, request[STAFF_SESSION].id)
        user = await session.get(StaffUser, request[USER].id, with_for_update=True)
        if (pending is None or pending.totp_pending_enc is None or user is None
                or user.totp_secret_enc is not None):  # e.g. enrolled meanwhile in another tab
            raise web.HTTPSeeOther("/staff/mfa")
        secret = config[VAULT].decrypt(pending.totp_pending_enc)
        outcome = await _second_factor(request, session, user, secret, now)
        codes: list[str] = []
        if outcome.token is not None:
            user.totp_secret_enc = config[VAULT].encrypt(secret)
            codes = await recovery.replace(session, user.id, now)
            audit.record(session, audit.staff(user.id), "auth.mfa_enrolled", now,
                         object_type="staff_user", object_id=user.id)
    if outcome.token is not None:
        response = render("recovery_codes.html", request, {"codes": codes, "signed_in": False})
        sessions.set_cookie(request, response, sessions.cookie_name(request), outcome.token)
        return response
    context = {**_enrol_context(request, secret), "error": WRONG_CODE}
    return await _finish(request, outcome, "enrol.html", context)


@dataclass(frozen=True)
class Outcome:
    """A new full session token when the code was right; `locked` when it locked the account."""

    token: str | None
    locked: bool = False


async def _second_factor(
    request: web.Request, session: AsyncSession, user: StaffUser, secret: str,
    now: dt.datetime,
) -> Outcome:
    config = request.config_dict
    cookie_token = request.cookies.get(sessions.cookie_name(request))
    typed = request[FORM].get("code", "")
    passed, how = False, "totp"
    if not authn.is_locked(user, now):
        step = totp.matching_step(secret, typed, now, user.totp_last_step)
        if step is not None:
            user.totp_last_step, passed = step, True
        elif user.totp_secret_enc is not None and await recovery.use(session, user.id, typed):
            passed, how = True, "recovery_code"
            audit.record(session, audit.staff(user.id), "auth.recovery_code_used", now,
                         object_type="staff_user", object_id=user.id)
    if not passed:
        policy = authn.LoginPolicy.from_settings(config[SETTINGS])
        authn.register_failure(session, user, policy, now, "bad_totp")
        if not authn.is_locked(user, now):
            return Outcome(token=None)
        await sessions.end(session, cookie_token)
        return Outcome(token=None, locked=True)
    user.failed_logins = 0
    await sessions.end(session, cookie_token)
    audit.record(session, audit.staff(user.id), "auth.login", now, detail=f"mfa={how}")
    return Outcome(token=sessions.create(session, user, mfa_passed=True, now=now))


async def _finish(
    request: web.Request, outcome: Outcome, template: str, context: dict[str, object]
) -> web.StreamResponse:
    if outcome.token is None:
        await login.count_address_failure(request)
    if outcome.token is not None:
        response = web.HTTPSeeOther("/staff/queue")
        sessions.set_cookie(request, response, sessions.cookie_name(request), outcome.token)
        raise response
    if outcome.locked:
        response = web.HTTPSeeOther("/staff/login")
        sessions.clear_cookie(request, response, sessions.cookie_name(request))
        raise response
    return render(template, request, context)


def _enrol_context(request: web.Request, secret: str) -> dict[str, object]:
    return {
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "uri": totp.provisioning_uri(secret, request[USER].email),
        "error": None,
    }
