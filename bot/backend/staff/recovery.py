"""Recovery codes: ten one-time codes that stand in for a lost authenticator.

Shown once, when the authenticator is enrolled or when a staff member asks for new ones
(which voids the old); stored as Argon2id hashes like passwords. Each code has 60 random
bits in 12 characters of an alphabet without look-alikes, grouped by four for reading.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import secrets
import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.backend.staff.passwords import HASHER, verify
from bot.backend.storage.models import RecoveryCode

COUNT = 10
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0, 1
_SHAPE = re.compile(r"^[A-Z0-9]{12}$")


def normalise(code: str) -> str:
    """Upper case, without the spaces and dashes people type."""
    return re.sub(r"[\s-]", "", code).upper()


def looks_like_code(code: str) -> bool:
    """Whether what was typed could be a recovery code rather than a TOTP code."""
    return bool(_SHAPE.match(normalise(code)))


def new_codes() -> list[str]:
    """Ten fresh codes, each three groups of four characters joined by hyphens."""
    codes = []
    for _ in range(COUNT):
        raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


async def replace(session: AsyncSession, user_id: uuid.UUID, now: dt.datetime) -> list[str]:
    """Void the user's codes and store new ones; return them, to be shown once."""
    codes = new_codes()
    hashes = await asyncio.to_thread(lambda: [HASHER.hash(normalise(c)) for c in codes])
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    session.add_all(RecoveryCode(user_id=user_id, code_hash=h, created_at=now) for h in hashes)
    return codes


async def use(session: AsyncSession, user_id: uuid.UUID, code: str) -> bool:
    """If the code is one of the user's, spend it (it never works again)."""
    if not looks_like_code(code):
        return False
    rows = list(await session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user_id)))
    typed = normalise(code)
    for row in rows:
        if await verify(row.code_hash, typed):
            await session.delete(row)
            return True
    return False


async def remaining(session: AsyncSession, user_id: uuid.UUID) -> int:
    """How many unused codes the user has."""
    return len(list(await session.scalars(
        select(RecoveryCode.id).where(RecoveryCode.user_id == user_id))))
