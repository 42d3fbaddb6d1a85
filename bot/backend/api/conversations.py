"""A victim's rights over their conversation: erase it, or withdraw a handoff request.

Erasure ("delete my data") removes the referral, its handoffs and their notes, and the
transcript in Rasa's tracker store; only anonymous counts remain. The transcript goes
first: if the tracker store is down the call fails and the outbox retries, rather than
reporting an erasure that left the transcript behind. Audit entries never hold the
conversation id, only the (now deleted) referral id and how much was removed.

Withdrawal closes the open handoff (the workflow's `withdraw`) and deletes its summary,
contact details, safe time and staff notes: with consent withdrawn there is no reason to
keep them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.backend.staff.case import workflow
from bot.backend.storage import audit, counts
from bot.backend.storage.crypto import Vault
from bot.backend.storage.db import delete_rows
from bot.backend.storage.models import Handoff, Note, Referral
from bot.backend.storage.rasa_events import TrackerStore
from bot.backend.storage.referrals import delete_referrals, locked_referral, of_conversation
from bot.backend.storage.vocab import OPEN_STATUSES, WITHDRAWN


@dataclass(frozen=True)
class Erasure:
    """How much one erasure removed."""

    referrals: int
    handoffs: int
    notes: int
    transcript_events: int


@dataclass(frozen=True)
class Withdrawal:
    """The referral concerned and the handoff withdrawn, if one was open."""

    referral_id: uuid.UUID
    handoff_id: uuid.UUID | None


async def erase_conversation(
    sessions: async_sessionmaker[AsyncSession], vault: Vault, tracker: TrackerStore,
    conversation_id: str, now: dt.datetime,
) -> Erasure:
    """Erase everything held about one conversation; erasing nothing is not an error."""
    transcript_events = await tracker.delete_conversation(conversation_id)
    async with sessions.begin() as session:
        referral_ids = list(await session.scalars(
            select(Referral.id).where(of_conversation(vault, conversation_id))))
        deleted = await delete_referrals(session, Referral.id.in_(referral_ids))
        erasure = Erasure(deleted.referrals, deleted.handoffs, deleted.notes,
                          transcript_events)
        audit.record(
            session, audit.SERVICE, "conversation.erased", now, object_type="referral",
            object_id=referral_ids[0] if referral_ids else None,
            detail=audit.counts(referrals=erasure.referrals, handoffs=erasure.handoffs,
                                notes=erasure.notes,
                                transcript_events=erasure.transcript_events),
        )
    return erasure


async def withdraw(
    sessions: async_sessionmaker[AsyncSession], vault: Vault, conversation_id: str,
    now: dt.datetime,
) -> Withdrawal | None:
    """Withdraw consent and the open handoff; None when the conversation is unknown."""
    async with sessions.begin() as session:
        referral = await locked_referral(session, vault, conversation_id)
        if referral is None:
            return None
        referral.consent = False
        referral.consent_at = None
        handoff = (await session.execute(
            select(Handoff)
            .where(Handoff.referral_id == referral.id, Handoff.status.in_(OPEN_STATUSES))
            .with_for_update()
        )).scalar_one_or_none()
        if handoff is None:
            audit.record(session, audit.SERVICE, "referral.consent_withdrawn", now,
                         object_type="referral", object_id=referral.id)
            return Withdrawal(referral.id, None)
        workflow.withdraw(handoff, now)
        handoff.summary_enc = None
        handoff.contact_details_enc = None
        handoff.safe_time_enc = None
        notes = await delete_rows(session, delete(Note).where(Note.handoff_id == handoff.id))
        await counts.bump(session, [(counts.week_of(now), counts.OUTCOMES, WITHDRAWN, 1)])
        audit.record(session, audit.SERVICE, "handoff.withdrawn", now,
                     object_type="handoff", object_id=handoff.id,
                     detail=audit.counts(notes=notes))
        return Withdrawal(referral.id, handoff.id)
