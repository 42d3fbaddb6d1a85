"""The dashboard's gatekeepers: a session on every route but login, CSRF on every POST.

Routes are closed by default; only those named in PUBLIC_ROUTES open without a session,
and a session still waiting for its second factor reaches only the second-factor routes.
CSRF uses a per-session synchronizer token (ASVS 4.2.2); the login form, which has no
session yet, uses a double-submit cookie. SameSite=Strict cookies are a second layer.
"""

from __future__ import annotations

import hmac

from aiohttp import web

from bot.backend.keys import CLOCK, FORM, SESSIONS, SETTINGS, STAFF_SESSION, USER
from bot.backend.staff import auditing, sessions
from bot.backend.staff.forms import read_form
from bot.backend.web.errors import Handler

PUBLIC_ROUTES = frozenset({"login", "login_submit", "static"})
SECOND_FACTOR_ROUTES = frozenset({"mfa", "mfa_submit", "enrol", "enrol_submit", "logout"})
# Requests a page makes by itself (the live conversation's polling): they need a session
# but do not count as activity, so an open case page does not defeat the idle timeout.
BACKGROUND_ROUTES = frozenset({"case_live"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_URL = "/staff/login"


@web.middleware
async def require_session(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Load the session behind the cookie, or send the browser to the login page."""
    if request.match_info.route.name in PUBLIC_ROUTES:
        return await handler(request)
    config = request.config_dict
    lifetime = sessions.Lifetime.from_settings(config[SETTINGS])
    token = request.cookies.get(sessions.cookie_name(request))
    touch = request.match_info.route.name not in BACKGROUND_ROUTES
    async with config[SESSIONS].begin() as session:
        loaded = await sessions.load(session, token, lifetime, config[CLOCK](), touch=touch)
    if loaded is None:
        if request.match_info.route.name == "logout":
            # Nothing to end, and no session token to check it against: a forged form.
            await auditing.deny(request, "csrf.rejected")
        raise web.HTTPSeeOther(LOGIN_URL)
    staff_session, user = loaded
    if not staff_session.mfa_passed and request.match_info.route.name not in SECOND_FACTOR_ROUTES:
        raise web.HTTPSeeOther("/staff/mfa")
    request[STAFF_SESSION] = staff_session
    request[USER] = user
    return await handler(request)


@web.middleware
async def require_csrf_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse any state change whose form lacks this session's token."""
    if request.method in SAFE_METHODS:
        return await handler(request)
    form = await read_form(request)
    staff_session = request.get(STAFF_SESSION)
    if staff_session is not None:
        expected: str | None = staff_session.csrf_token
    else:
        expected = request.cookies.get(sessions.login_csrf_cookie(request))
    presented = form.get("csrf_token", "")
    if not expected or not hmac.compare_digest(
        presented.encode("utf-8", "replace"), expected.encode("utf-8", "replace")
    ):
        await auditing.deny(request, "csrf.rejected")
    request[FORM] = form
    return await handler(request)
