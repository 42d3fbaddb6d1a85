"""An erasure that fails is not forgotten: it waits here until it succeeds.

"Delete my data" can fail in the backend: the tracker store is down, or (with one
PostgreSQL role per service) a grant is missing. The action server's relay retries a
failed call, but it may give up on a refusal and set the request aside with only a log
line. So the backend keeps the request itself (the conversation id encrypted, as
everywhere), retries it with every retention run, and shows admins how many wait, since
when and why (the error's type only), on the queue page. Success deletes the entry.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.backend.api.conversations import erase_conversation
from bot.backend.storage import audit
from bot.backend.storage.crypto import Vault
from bot.backend.storage.models import PendingErasure
from bot.backend.storage.rasa_events import TrackerStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Waiting:
    """What admins are shown: how many, since when, the latest failure's type."""

    count: int
    oldest: dt.datetime | None
    last_error: str | None


async def erase_or_keep(
    sessions: async_sessionmaker[AsyncSession], vault: Vault, tracker: TrackerStore,
    conversation_id: str, now: dt.datetime,
) -> bool:
    """Erase now; on failure keep the request for retries. Whether it was erased."""
    try:
        await erase_conversation(sessions, vault, tracker, conversation_id, now)
    except Exception as error:  # whatever failed, the request must survive it
        log.error("erasure failed with %s; kept for retry", type(error).__name__)
        await _keep(sessions, vault, conversation_id, type(error).__name__, now)
        return False
    async with sessions.begin() as session:
        await session.execute(delete(PendingErasure).where(
            PendingErasure.conversation_hash.in_(vault.lookup_hashes(conversation_id))))
    return True


async def retry_all(
    sessions: async_sessionmaker[AsyncSession], vault: Vault, tracker: TrackerStore,
    now: dt.datetime,
) -> int:
    """Try every waiting erasure again; return how many succeeded."""
    async with sessions() as session:
        waiting = [(row.conversation_id_enc, row.id) for row in
                   await session.scalars(select(PendingErasure))]
    done = 0
    for encrypted, _ in waiting:
        if await erase_or_keep(sessions, vault, tracker, vault.decrypt(encrypted), now):
            done += 1
            async with sessions.begin() as session:
                audit.record(session, audit.SYSTEM, "conversation.erasure_retried", now)
    return done


async def waiting(session: AsyncSession) -> Waiting:
    """The summary the queue page shows admins."""
    count, oldest = (await session.execute(select(
        func.count(PendingErasure.id), func.min(PendingErasure.first_failed_at)))).one()
    last = await session.scalar(select(PendingErasure.last_error)
                                .order_by(PendingErasure.last_attempt_at.desc()).limit(1))
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)  # an aggregate skips the column's type
    return Waiting(int(count or 0), oldest, last)


async def _keep(sessions: async_sessionmaker[AsyncSession], vault: Vault,
                conversation_id: str, error: str, now: dt.datetime) -> None:
    try:
        async with sessions.begin() as session:
            row = await session.scalar(select(PendingErasure).where(
                PendingErasure.conversation_hash.in_(vault.lookup_hashes(conversation_id)))
                .with_for_update())
            if row is None:
                session.add(PendingErasure(
                    conversation_hash=vault.lookup_hash(conversation_id),
                    conversation_id_enc=vault.encrypt(conversation_id),
                    first_failed_at=now, last_attempt_at=now, attempts=1,
                    last_error=error[:64]))
            else:
                row.attempts += 1
                row.last_attempt_at = now
                row.last_error = error[:64]
            audit.record(session, audit.SERVICE, "conversation.erasure_failed", now,
                         outcome="failed", detail=f"error={error[:40]}")
    except Exception as failure:  # the database itself is down: the relay retries
        log.error("could not keep a failed erasure (%s)", type(failure).__name__)
