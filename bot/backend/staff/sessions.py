"""Server-side staff sessions (OWASP ASVS 3.2, 3.3, 3.4).

The cookie holds a random token; the database holds only its SHA-256, so a copy of the
database cannot be used to sign in. A new token is issued at login and again when the
second factor is given. Sessions end after SESSION_IDLE_MINUTES without a request, after
SESSION_MAX_HOURS in any case, and at logout, when the row is deleted: a copied cookie
is then worthless.

The cookie is HttpOnly and SameSite=Strict; behind TLS it is also Secure and uses the
`__Host-` prefix, which stops a sibling subdomain from planting one. So does the login
form's double-submit CSRF cookie: a planted one would let a page sign a staff member into
an account of the attacker's choosing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.backend.settings import Settings
from bot.backend.storage.models import StaffSession, StaffUser
from bot.backend.web.tls import behind_tls

LOGIN_CSRF_COOKIE = "staff_login_csrf"


@dataclass(frozen=True)
class Lifetime:
    """How long a session may sit idle, and how long it may live at all."""

    idle: dt.timedelta
    maximum: dt.timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> Lifetime:
        """SESSION_IDLE_MINUTES and SESSION_MAX_HOURS."""
        return cls(idle=dt.timedelta(minutes=settings.session_idle_minutes),
                   maximum=dt.timedelta(hours=settings.session_max_hours))


def cookie_name(request: web.Request) -> str:
    """`__Host-staff_session` behind TLS, `staff_session` on a laptop."""
    return "__Host-staff_session" if behind_tls(request) else "staff_session"


def login_csrf_cookie(request: web.Request) -> str:
    """`__Host-staff_login_csrf` behind TLS, `staff_login_csrf` on a laptop."""
    return f"__Host-{LOGIN_CSRF_COOKIE}" if behind_tls(request) else LOGIN_CSRF_COOKIE


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str) -> None:
    """Set a session-lifetime cookie with every protection the transport allows."""
    response.set_cookie(name, value, path="/", httponly=True, samesite="Strict",
                        secure=behind_tls(request))


def clear_cookie(request: web.Request, response: web.StreamResponse, name: str) -> None:
    """Tell the browser to forget a cookie set by set_cookie()."""
    response.del_cookie(name, path="/", secure=behind_tls(request), httponly=True,
                        samesite="Strict")


def new_token() -> str:
    """256 bits from the OS's CSPRNG."""
    return secrets.token_urlsafe(32)


def token_id(token: str) -> str:
    """What the database stores for a cookie token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def create(session: AsyncSession, user: StaffUser, mfa_passed: bool, now: dt.datetime) -> str:
    """Add a new session row for the user; return the cookie token."""
    token = new_token()
    session.add(StaffSession(id=token_id(token), user_id=user.id, csrf_token=new_token(),
                             mfa_passed=mfa_passed, created_at=now, last_seen_at=now))
    return token


async def load(
    session: AsyncSession, token: str | None, lifetime: Lifetime, now: dt.datetime,
    touch: bool = True,
) -> tuple[StaffSession, StaffUser] | None:
    """The live session and its user, touched unless `touch` is false (background
    requests must not keep an unattended session alive); an expired session is deleted."""
    if not token:
        return None
    row = await session.get(StaffSession, token_id(token))
    if row is None:
        return None
    user = await session.get(StaffUser, row.user_id)
    expired = (now - row.last_seen_at > lifetime.idle
               or now - row.created_at > lifetime.maximum)
    if expired or user is None or not user.active:
        await session.delete(row)
        return None
    if touch:
        row.last_seen_at = now
    return row, user


async def end(session: AsyncSession, token: str | None) -> None:
    """Delete the session behind a cookie token, if there is one."""
    if token:
        await session.execute(delete(StaffSession).where(StaffSession.id == token_id(token)))


async def end_all(session: AsyncSession, user_id: object, keep: str | None = None) -> None:
    """Delete every session of a user, but the one whose id is `keep`."""
    statement = delete(StaffSession).where(StaffSession.user_id == user_id)
    if keep is not None:
        statement = statement.where(StaffSession.id != keep)
    await session.execute(statement)
