"""Applying an ingest event: one referral per conversation, at most one open handoff.

Each event id is applied once: the id is recorded with its result in the same
transaction, so a replay (the outbox retrying after a lost acknowledgement) returns the
first result and writes nothing. Later events for a conversation update its referral:
the newest known triage values win ("unknown" never erases a known value, and an event
that arrives late cannot overwrite a newer one), lists and risk flags are merged.
Concurrent first events for one conversation race on a unique key; the loser retries.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.backend import audit, counts
from bot.backend.api.schema import HandoffRequest, IngestEvent
from bot.backend.crypto import Vault
from bot.backend.models import AppliedEvent, Handoff, Referral
from bot.backend.priority import base_level
from bot.backend.vocab import OPEN_STATUSES

MAX_ATTEMPTS = 3
Value = TypeVar("Value", str, "str | None")


@dataclass(frozen=True)
class IngestResult:
    """What an event did; a replay gets the same ids back with `created` false."""

    event_id: uuid.UUID
    referral_id: uuid.UUID
    handoff_id: uuid.UUID | None
    created: bool


async def apply_event(
    sessions: async_sessionmaker[AsyncSession], vault: Vault, event: IngestEvent,
    now: dt.datetime,
) -> IngestResult:
    """Apply the event once, in one transaction, retrying a lost race on a unique key."""
    attempt = 1
    while True:
        try:
            async with sessions.begin() as session:
                return await _apply(session, vault, event, now)
        except IntegrityError:
            if attempt == MAX_ATTEMPTS:
                raise
            attempt += 1


async def _apply(
    session: AsyncSession, vault: Vault, event: IngestEvent, now: dt.datetime
) -> IngestResult:
    applied = await session.get(AppliedEvent, event.id)
    if applied is not None:
        return IngestResult(applied.id, applied.referral_id, applied.handoff_id, created=False)
    referral, referral_created = await _upsert_referral(session, vault, event, now)
    audit.record(session, audit.SERVICE,
                 "referral.created" if referral_created else "referral.updated", now,
                 object_type="referral", object_id=referral.id)
    handoff_id, handoff_created = None, False
    if event.handoff is not None:
        handoff, handoff_created = await _upsert_handoff(
            session, vault, referral, event.handoff, event.created_at, now
        )
        handoff_id = handoff.id
        audit.record(session, audit.SERVICE,
                     "handoff.created" if handoff_created else "handoff.updated", now,
                     object_type="handoff", object_id=handoff.id)
    session.add(AppliedEvent(id=event.id, referral_id=referral.id, handoff_id=handoff_id,
                             received_at=now))
    return IngestResult(event.id, referral.id, handoff_id,
                        created=referral_created or handoff_created)


async def _upsert_referral(
    session: AsyncSession, vault: Vault, event: IngestEvent, now: dt.datetime
) -> tuple[Referral, bool]:
    hashes = vault.lookup_hashes(event.conversation_id)
    found = await session.execute(
        select(Referral).where(Referral.conversation_hash.in_(hashes)).with_for_update()
    )
    referral = found.scalar_one_or_none()
    if referral is None:
        referral = _new_referral(vault, event, now)
        session.add(referral)
        await session.flush()  # a concurrent twin fails here, on the unique hash
        await counts.bump(session, counts.week_of(referral.created_at), _referral_counts(
            referral.jurisdiction, referral.routes_offered, referral.platforms, 1))
        return referral, True
    before = (referral.jurisdiction, list(referral.routes_offered), list(referral.platforms))
    _merge(referral, event, now)
    await counts.bump(session, counts.week_of(referral.created_at), [
        *_referral_counts(before[0], before[1], before[2], -1, total=False),
        *_referral_counts(referral.jurisdiction, referral.routes_offered, referral.platforms,
                          1, total=False),
    ])
    return referral, False


def _new_referral(vault: Vault, event: IngestEvent, now: dt.datetime) -> Referral:
    return Referral(
        id=uuid.uuid4(),
        conversation_hash=vault.lookup_hash(event.conversation_id),
        conversation_id_enc=vault.encrypt(event.conversation_id),
        channel=event.channel,
        created_at=event.created_at,
        triage_at=event.created_at,
        last_event_at=now,
        jurisdiction=event.jurisdiction,
        age_band=event.age_band,
        role=event.role,
        situation=event.situation,
        perpetrator=event.perpetrator,
        risk_flags=event.risk_flags,
        routes_offered=event.routes_offered,
        services_offered=event.services_offered,
        platforms=event.platforms,
        risk_level=base_level(event.risk_flags),
        consent=event.consent,
        consent_at=event.consent_at,
    )


def _merge(referral: Referral, event: IngestEvent, now: dt.datetime) -> None:
    """Fold a later (or late-arriving) event into the referral."""
    newer = event.created_at >= referral.triage_at
    referral.jurisdiction = _pick(referral.jurisdiction, event.jurisdiction, newer)
    referral.age_band = _pick(referral.age_band, event.age_band, newer)
    referral.role = _pick(referral.role, event.role, newer)
    referral.situation = _pick(referral.situation, event.situation, newer)
    referral.perpetrator = _pick(referral.perpetrator, event.perpetrator, newer)
    if newer:
        referral.triage_at = event.created_at
    referral.risk_flags = _union(referral.risk_flags, event.risk_flags)
    referral.routes_offered = _union(referral.routes_offered, event.routes_offered)
    referral.services_offered = sorted(set(referral.services_offered) | set(event.services_offered))
    referral.platforms = sorted(set(referral.platforms) | set(event.platforms))
    referral.risk_level = base_level(referral.risk_flags)
    # Consent, once given, stands until the victim withdraws it through the withdraw call.
    if event.consent and event.consent_at is not None:
        referral.consent = True
        if referral.consent_at is None or event.consent_at > referral.consent_at:
            referral.consent_at = event.consent_at
    referral.last_event_at = now


def _pick(current: Value, incoming: Value, incoming_is_newer: bool) -> Value:
    """Unknown never replaces known; between two known values the newer wins."""
    if incoming in (None, "unknown"):
        return current
    if current in (None, "unknown") or incoming_is_newer:
        return incoming
    return current


def _union(current: list[str], incoming: list[str]) -> list[str]:
    return current + [item for item in incoming if item not in current]


def _referral_counts(
    jurisdiction: str | None, routes: list[str], platforms: list[str], delta: int,
    *, total: bool = True,
) -> list[tuple[str, str, int]]:
    changes = [(counts.REFERRALS, counts.ALL, delta)] if total else []
    changes.append((counts.BY_JURISDICTION, jurisdiction or counts.UNKNOWN, delta))
    changes += [(counts.BY_ROUTE, route, delta) for route in routes]
    changes += [(counts.BY_PLATFORM, platform, delta) for platform in platforms]
    return changes


async def _upsert_handoff(
    session: AsyncSession, vault: Vault, referral: Referral, request: HandoffRequest,
    requested_at: dt.datetime, now: dt.datetime,
) -> tuple[Handoff, bool]:
    """Update the open handoff (keeping its status and assignee) or open a new one."""
    found = await session.execute(
        select(Handoff)
        .where(Handoff.referral_id == referral.id, Handoff.status.in_(OPEN_STATUSES))
        .order_by(Handoff.requested_at.desc())
        .limit(1)
        .with_for_update()
    )
    handoff = found.scalar_one_or_none()
    created = handoff is None
    if handoff is None:
        handoff = Handoff(id=uuid.uuid4(), referral_id=referral.id, requested_at=requested_at,
                          status="new")
        session.add(handoff)
    handoff.summary_enc = vault.encrypt(request.summary)
    handoff.contact_method = request.contact_method
    handoff.contact_details_enc = vault.encrypt_optional(request.contact_details)
    handoff.safe_time_enc = vault.encrypt(request.safe_time)
    handoff.updated_at = now
    if created:
        await counts.bump(session, counts.week_of(requested_at),
                          [(counts.HANDOFFS, counts.ALL, 1)])
    return handoff, created
