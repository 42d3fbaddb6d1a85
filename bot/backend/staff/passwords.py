"""Password hashing with Argon2id, at the OWASP cheat sheet's parameters.

19 MiB of memory, 2 iterations, 1 lane. Hashing takes tens of milliseconds, so it runs in
a worker thread and never stalls the event loop. A login for an unknown email still
verifies against a dummy hash, so the response time does not reveal which emails exist.
"""

from __future__ import annotations

import asyncio
import functools

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from bot.backend.staff import breached

HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.ID)
MIN_LENGTH = 12  # ASVS 2.1.1
MAX_LENGTH = 128  # ASVS 2.1.2 asks that at least 64 be allowed


def hash_password(password: str) -> str:
    """A new Argon2id hash (blocking; for the command line)."""
    return HASHER.hash(password)


def check_strength(password: str, email: str | None = None) -> str | None:
    """Why a new password is unacceptable, or None (ASVS 2.1.1, 2.1.7)."""
    if len(password) < MIN_LENGTH:
        return f"the password must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"the password must be at most {MAX_LENGTH} characters"
    if "\x00" in password:
        return "the password must not contain NUL characters"
    if breached.is_common(password):
        return ("that password is on a list of passwords attackers try first "
                "(common and breached ones); choose another")
    email = (email or "").lower()
    local = email.split("@")[0]
    if email and (email in password.lower() or len(local) >= 4 and local in password.lower()):
        return "the password must not contain your email address"
    return None


async def verify(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; with no hash, spend the same time and say no."""
    return await asyncio.to_thread(_verify, password_hash, password)


async def rehash_if_outdated(password_hash: str, password: str) -> str | None:
    """A fresh hash when the stored one used weaker parameters, else None."""
    if not HASHER.check_needs_rehash(password_hash):
        return None
    return await asyncio.to_thread(HASHER.hash, password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        matched = HASHER.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


@functools.cache
def _dummy_hash() -> str:
    return HASHER.hash("not a real password; only here to spend the same time")
