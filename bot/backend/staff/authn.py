"""Authentication decisions: password checks, lockout, and counting failed second factors.

After LOGIN_MAX_FAILURES consecutive failures (passwords and TOTP codes alike) the account
is locked for LOGIN_LOCKOUT_MINUTES; settings.py refuses values that would allow more than
100 failures an hour (ASVS 2.2.1). Every attempt is audited with its reason; the email
typed for an unknown account is not (it may be a mistyped password).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.backend.settings import Settings
from bot.backend.staff import passwords
from bot.backend.storage import audit
from bot.backend.storage.models import StaffUser


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures are tolerated, for how long an account then locks, who needs MFA."""

    max_failures: int
    lockout: dt.timedelta
    mfa_roles: frozenset[str]

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginPolicy:
        """LOGIN_MAX_FAILURES, LOGIN_LOCKOUT_MINUTES, MFA_ROLES."""
        return cls(settings.login_max_failures,
                   dt.timedelta(minutes=settings.login_lockout_minutes), settings.mfa_roles)


def is_locked(user: StaffUser, now: dt.datetime) -> bool:
    """Whether the account is in a lockout period."""
    return user.locked_until is not None and user.locked_until > now


async def authenticate(
    sessions: async_sessionmaker[AsyncSession], policy: LoginPolicy, email: str,
    password: str, now: dt.datetime,
) -> StaffUser | None:
    """The user if the password is right and the account usable; failures are recorded."""
    async with sessions() as session:
        user = await session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None or not user.active or is_locked(user, now):
        await passwords.verify(None, password)  # same time as a real check
        async with sessions.begin() as session:
            if user is None:
                audit.record(session, audit.ANONYMOUS, "auth.login", now, outcome="failed",
                             detail="reason=unknown_account")
            else:
                reason = "locked" if user.active else "inactive"
                audit.record(session, audit.staff(user.id), "auth.login", now,
                             outcome="failed", detail=f"reason={reason}")
        return None
    # Hash outside any transaction: it is slow and must not hold the database.
    matched = await passwords.verify(user.password_hash, password)
    new_hash = None
    if matched:
        new_hash = await passwords.rehash_if_outdated(user.password_hash, password)
    async with sessions.begin() as session:
        locked_user = await session.get(StaffUser, user.id, with_for_update=True)
        if locked_user is None:
            return None
        if not matched or is_locked(locked_user, now):
            register_failure(session, locked_user, policy, now, "bad_password")
            return None
        locked_user.failed_logins = 0
        locked_user.locked_until = None
        if new_hash is not None:
            locked_user.password_hash = new_hash
        return locked_user


def register_failure(
    session: AsyncSession, user: StaffUser, policy: LoginPolicy, now: dt.datetime, reason: str
) -> None:
    """Count a failed password or code; lock the account when there have been too many."""
    user.failed_logins += 1
    audit.record(session, audit.staff(user.id), "auth.login", now, outcome="failed",
                 detail=f"reason={reason}")
    if user.failed_logins >= policy.max_failures:
        user.failed_logins = 0
        user.locked_until = now + policy.lockout
        audit.record(session, audit.staff(user.id), "auth.lockout", now, outcome="denied",
                     object_type="staff_user", object_id=user.id)
