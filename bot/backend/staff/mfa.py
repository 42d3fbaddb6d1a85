"""The second factor: asking for a TOTP code, and enrolling an authenticator.

A user whose role requires TOTP and who has none yet enrols right after the password
step: we show a new secret, and keep it (encrypted, on the pending session) until a code
made from it proves the authenticator works. Wrong codes count towards the lockout like
wrong passwords. Success issues a new session token.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.backend.keys import CLOCK, FORM, SESSIONS, SETTINGS, STAFF_SESSION, USER, VAULT
from bot.backend.staff import authn, sessions, totp
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
    """Check the code against the enrolled secret."""
    _require_pending(request)
    config = request.config_dict
    now = config[CLOCK]()
    async with config[SESSIONS].begin() as session:
        user = await session.get(StaffUser, request[USER].id, with_for_update=True)
        if user is None or user.totp_secret_enc is None:
            raise web.HTTPSeeOther("/staff/mfa/enrol")
        secret = config[VAULT].decrypt(user.totp_secret_enc)
        outcome = await _second_factor(request, session, user, secret, now)
    return _finish(request, outcome, "mfa.html", {"error": WRONG_CODE})


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
        if outcome.token is not None:
            user.totp_secret_enc = config[VAULT].encrypt(secret)
            audit.record(session, audit.staff(user.id), "auth.mfa_enrolled", now,
                         object_type="staff_user", object_id=user.id)
    context = {**_enrol_context(request, secret), "error": WRONG_CODE}
    return _finish(request, outcome, "enrol.html", context)


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
    step = None
    if not authn.is_locked(user, now):
        step = totp.matching_step(secret, request[FORM].get("code", ""), now,
                                  user.totp_last_step)
    if step is None:
        policy = authn.LoginPolicy.from_settings(config[SETTINGS])
        authn.register_failure(session, user, policy, now, "bad_totp")
        if not authn.is_locked(user, now):
            return Outcome(token=None)
        await sessions.end(session, cookie_token)
        return Outcome(token=None, locked=True)
    user.totp_last_step = step
    user.failed_logins = 0
    await sessions.end(session, cookie_token)
    audit.record(session, audit.staff(user.id), "auth.login", now, detail="mfa=totp")
    return Outcome(token=sessions.create(session, user, mfa_passed=True, now=now))


def _finish(
    request: web.Request, outcome: Outcome, template: str, context: dict[str, object]
) -> web.StreamResponse:
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
