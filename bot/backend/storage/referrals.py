"""Finding a conversation's referral, and deleting referrals with everything under them.

A conversation is found by its lookup hash (crypto.Vault: one hash per key, so a referral
stored before a key rotation is still found), never by decrypting every row. Deleting a
referral takes its handoffs and their notes with it, children first, so no foreign key
is left dangling; erasure ("delete my data") and the retention purge both go through
`delete_referrals`, and only the anonymous counts remain.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.backend.storage.crypto import Vault
from bot.backend.storage.db import delete_rows
from bot.backend.storage.models import Handoff, Note, Referral


@dataclass(frozen=True)
class Deleted:
    """How many rows of each kind went."""

    referrals: int
    handoffs: int
    notes: int


def of_conversation(vault: Vault, conversation_id: str) -> ColumnElement[bool]:
    """The condition that picks out one conversation's referral."""
    return Referral.conversation_hash.in_(vault.lookup_hashes(conversation_id))


async def locked_referral(session: AsyncSession, vault: Vault,
                          conversation_id: str) -> Referral | None:
    """The conversation's referral, its row locked until the transaction ends (so two
    requests about one conversation apply one after the other); None if none is held."""
    return (await session.execute(
        select(Referral).where(of_conversation(vault, conversation_id)).with_for_update()
    )).scalar_one_or_none()


async def delete_referrals(session: AsyncSession, which: ColumnElement[bool]) -> Deleted:
    """Delete the referrals `which` picks out, with their handoffs and notes."""
    referral_ids = select(Referral.id).where(which)
    handoff_ids = select(Handoff.id).where(Handoff.referral_id.in_(referral_ids))
    notes = await delete_rows(session, delete(Note).where(Note.handoff_id.in_(handoff_ids)))
    handoffs = await delete_rows(session, delete(Handoff).where(
        Handoff.referral_id.in_(referral_ids)))
    referrals = await delete_rows(session, delete(Referral).where(which))
    return Deleted(referrals, handoffs, notes)
