"""Login and logout pages.

A successful password check always creates a new session (ASVS 3.2.1), whatever cookie
the browser brought. Users whose role needs a second factor get a session that can reach
only the TOTP pages until they give it. Logout deletes the session row (ASVS 3.3.1).

Failed logins are counted per account (the lockout, authn.py) and per client address:
after LOGIN_IP_MAX_FAILURES from one address within LOGIN_IP_WINDOW_MINUTES, that address
is not let try again until the window ends, whichever account it names. Someone who knows
a staff email can then lock that account for a while, but cannot keep it locked.
"""

from __future__ import annotations

from aiohttp import web

from bot.backend.keys import CLOCK, FORM, LIMITS, SESSIONS, SETTINGS
from bot.backend.staff import auditing, authn, sessions
from bot.backend.staff.passwords import MAX_LENGTH
from bot.backend.storage import audit
from bot.backend.web.clients import client_key
from bot.backend.web.templating import render

LOGIN_FAILED = ("That email and password did not match an account that can sign in now. "
                "After several failures an account is locked for a while.")
THROTTLED = ("Too many failed sign-ins have come from your network. Wait a few minutes, "
             "then try again.")


async def address_throttled(request: web.Request) -> bool:
    """Whether this client address has used up its failed attempts for now."""
    settings = request.config_dict[SETTINGS]
    failures = await request.config_dict[LIMITS].count(
        f"login:{client_key(request)}", settings.login_ip_window_minutes * 60.0)
    return failures >= settings.login_ip_max_failures


async def count_address_failure(request: web.Request) -> None:
    """One more failed password or code from this client address."""
    settings = request.config_dict[SETTINGS]
    await request.config_dict[LIMITS].hit(f"login:{client_key(request)}",
                                          settings.login_ip_window_minutes * 60.0)


async def login_page(request: web.Request) -> web.StreamResponse:
    """The login form, with a double-submit CSRF token in a cookie and a hidden field."""
    return _render(request, error=None)


async def login_submit(request: web.Request) -> web.StreamResponse:
    """Check the password; on success start a fresh session."""
    config = request.config_dict
    form = request[FORM]
    email = form.get("email", "").strip().lower()
    password = form.get("password", "")
    now = config[CLOCK]()
    # Control characters (NUL above all, which PostgreSQL text refuses) are in no address.
    if (not email or len(email) > 254 or len(password) > MAX_LENGTH * 4
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in email)):
        await auditing.record(request, "auth.login", outcome="failed",
                              detail="reason=malformed")
        return _render(request, error=LOGIN_FAILED)
    if await address_throttled(request):
        await auditing.record(request, "auth.login", outcome="denied",
                              detail="reason=address_throttled")
        return _render(request, error=THROTTLED, status=429)
    policy = authn.LoginPolicy.from_settings(config[SETTINGS])
    user = await authn.authenticate(config[SESSIONS], policy, email, password, now)
    if user is None:
        await count_address_failure(request)
        return _render(request, error=LOGIN_FAILED)
    needs_mfa = user.role in policy.mfa_roles
    cookie = sessions.cookie_name(request)
    async with config[SESSIONS].begin() as session:
        await sessions.end(session, request.cookies.get(cookie))
        token = sessions.create(session, user, mfa_passed=not needs_mfa, now=now)
        audit.record(session, audit.staff(user.id), "auth.password" if needs_mfa else "auth.login",
                     now)
    response = web.HTTPSeeOther("/staff/mfa" if needs_mfa else "/staff/queue")
    sessions.set_cookie(request, response, cookie, token)
    sessions.clear_cookie(request, response, sessions.login_csrf_cookie(request))
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    """End the session on the server, then in the browser."""
    async with request.config_dict[SESSIONS].begin() as session:
        await sessions.end(session, request.cookies.get(sessions.cookie_name(request)))
    await auditing.record(request, "auth.logout")
    response = web.HTTPSeeOther("/staff/login")
    sessions.clear_cookie(request, response, sessions.cookie_name(request))
    raise response


def _render(request: web.Request, error: str | None, status: int = 200) -> web.StreamResponse:
    cookie = sessions.login_csrf_cookie(request)
    token = request.cookies.get(cookie) or sessions.new_token()
    response = render("login.html", request, {"login_csrf": token, "error": error})
    response.set_status(status)
    sessions.set_cookie(request, response, cookie, token)
    return response
