"""Applying ingest events: one referral per conversation, at most one open handoff.

Each event id is applied once: the id is recorded with its result in the same
transaction, so a replay (the outbox retrying after a lost acknowledgement) returns the
first result and writes nothing. Later events for a conversation update its referral:
the newest known triage values win ("unknown" never erases a known value, and an event
that arrives late cannot overwrite a newer one), lists and risk flags are merged.

Events are applied in batches (see group_commit.py): the rows a batch touches are loaded
with a few set-based queries, the events are folded in arrival order in memory, and the
changes are written in one transaction, one multi-row statement per table (new referrals
before the handoffs that point at them). A batch that loses a race with another process
on a unique key is retried.

This module is synchronous on purpose: a batch runs in a worker thread on a blocking
engine, so its dozen statements cost one hop between threads instead of one each (with
the async SQLite driver every statement is a thread hop; in a sandboxed VM those
dominate the cost of ingest).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.backend.api.schema import HandoffRequest, IngestEvent
from bot.backend.staff.priority import base_level
from bot.backend.storage import audit, counts
from bot.backend.storage.crypto import Vault
from bot.backend.storage.models import AppliedEvent, Handoff, Referral, table_of
from bot.backend.storage.vocab import OPEN_STATUSES

MAX_ATTEMPTS = 3
Value = TypeVar("Value", str, "str | None")


@dataclass(frozen=True)
class IngestResult:
    """What an event did; a replay gets the same ids back with `created` false."""

    event_id: uuid.UUID
    referral_id: uuid.UUID
    handoff_id: uuid.UUID | None
    created: bool


def apply_events(
    sessions: sessionmaker[Session], vault: Vault, events: Sequence[IngestEvent],
    now: dt.datetime,
) -> list[IngestResult]:
    """Apply events in order in one transaction, retrying a race lost on a unique key."""
    attempt = 1
    while True:
        try:
            with sessions.begin() as session:
                return _Batch(session, vault, now).apply(events)
        except IntegrityError:
            if attempt == MAX_ATTEMPTS:
                raise
            attempt += 1


class _Batch:
    """One transaction's events, and the rows they touch, loaded up front."""

    def __init__(self, session: Session, vault: Vault, now: dt.datetime) -> None:
        self.session = session
        self.vault = vault
        self.now = now
        self.referrals: dict[str, Referral] = {}  # by conversation hash
        self.open_handoffs: dict[uuid.UUID, Handoff] = {}  # by referral id
        self.results: dict[uuid.UUID, IngestResult] = {}  # by event id
        self.new_referrals: list[Referral] = []
        self.new_handoffs: list[Handoff] = []
        self.applied: list[dict[str, Any]] = []
        self.count_changes: list[tuple[dt.date, str, str, int]] = []
        self.audit_entries: list[dict[str, Any]] = []

    def apply(self, events: Sequence[IngestEvent]) -> list[IngestResult]:
        """Fold the events in order, then write everything the batch changed."""
        self._load(events)
        results = [self._apply(event) for event in events]
        self.session.flush()  # updates to rows that already existed
        for model, rows in ((Referral, [_values(r) for r in self.new_referrals]),
                            (Handoff, [_values(h) for h in self.new_handoffs]),
                            (AppliedEvent, self.applied)):
            if rows:
                self.session.execute(insert(table_of(model)), rows)
        audit.record_all(self.session, self.audit_entries)
        counts.bump_sync(self.session, self.count_changes)
        return results

    def _load(self, events: Sequence[IngestEvent]) -> None:
        applied = self.session.scalars(
            select(AppliedEvent).where(AppliedEvent.id.in_([event.id for event in events])))
        for row in applied:
            self.results[row.id] = IngestResult(row.id, row.referral_id, row.handoff_id, False)
        hashes = {h for event in events for h in self.vault.lookup_hashes(event.conversation_id)}
        referrals = self.session.scalars(
            select(Referral).where(Referral.conversation_hash.in_(hashes)).with_for_update())
        self.referrals = {referral.conversation_hash: referral for referral in referrals}
        if not self.referrals:
            return
        handoffs = self.session.scalars(
            select(Handoff)
            .where(Handoff.referral_id.in_([r.id for r in self.referrals.values()]),
                   Handoff.status.in_(OPEN_STATUSES))
            .order_by(Handoff.requested_at)
            .with_for_update())
        self.open_handoffs = {handoff.referral_id: handoff for handoff in handoffs}

    def _apply(self, event: IngestEvent) -> IngestResult:
        if event.id in self.results:  # a replay, or the same event twice in this batch
            return replace(self.results[event.id], created=False)
        referral, referral_created = self._referral(event)
        self._audit("referral.created" if referral_created else "referral.updated",
                    "referral", referral.id)
        handoff_id, handoff_created = None, False
        if event.handoff is not None:
            handoff, handoff_created = self._handoff(referral, event.handoff, event.created_at)
            handoff_id = handoff.id
            self._audit("handoff.created" if handoff_created else "handoff.updated",
                        "handoff", handoff.id)
        self.applied.append({"id": event.id, "referral_id": referral.id,
                             "handoff_id": handoff_id, "received_at": self.now})
        result = IngestResult(event.id, referral.id, handoff_id,
                              created=referral_created or handoff_created)
        self.results[event.id] = result
        return result

    def _referral(self, event: IngestEvent) -> tuple[Referral, bool]:
        for lookup_hash in self.vault.lookup_hashes(event.conversation_id):
            if lookup_hash in self.referrals:
                referral = self.referrals[lookup_hash]
                week = counts.week_of(referral.created_at)
                self._count(week, _referral_counts(referral, -1, total=False))
                _merge(referral, event, self.now)
                self._count(week, _referral_counts(referral, 1, total=False))
                return referral, False
        referral = _new_referral(self.vault, event, self.now)
        self.new_referrals.append(referral)
        self.referrals[referral.conversation_hash] = referral
        self._count(counts.week_of(referral.created_at), _referral_counts(referral, 1))
        return referral, True

    def _handoff(self, referral: Referral, request: HandoffRequest,
                 requested_at: dt.datetime) -> tuple[Handoff, bool]:
        """Update the open handoff (keeping its status and assignee) or open a new one."""
        handoff = self.open_handoffs.get(referral.id)
        created = handoff is None
        if handoff is None:
            handoff = Handoff(id=uuid.uuid4(), referral_id=referral.id,
                              requested_at=requested_at, status="new")
            self.new_handoffs.append(handoff)
            self.open_handoffs[referral.id] = handoff
            self._count(counts.week_of(requested_at), [(counts.HANDOFFS, counts.ALL, 1)])
        handoff.summary_enc = self.vault.encrypt(request.summary)
        handoff.contact_method = request.contact_method
        handoff.contact_details_enc = self.vault.encrypt_optional(request.contact_details)
        handoff.safe_time_enc = self.vault.encrypt(request.safe_time)
        handoff.updated_at = self.now
        return handoff, created

    def _audit(self, action: str, object_type: str, object_id: uuid.UUID) -> None:
        self.audit_entries.append(audit.entry(audit.SERVICE, action, self.now,
                                              object_type=object_type, object_id=object_id))

    def _count(self, week: dt.date, changes: list[tuple[str, str, int]]) -> None:
        self.count_changes += [(week, metric, key, delta) for metric, key, delta in changes]


def _values(row: Referral | Handoff) -> dict[str, Any]:
    """A new row's column values, for a multi-row INSERT (no unit of work needed)."""
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


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
    referral: Referral, delta: int, *, total: bool = True
) -> list[tuple[str, str, int]]:
    """The counts one referral contributes: totals, jurisdiction, routes, platforms."""
    changes = [(counts.REFERRALS, counts.ALL, delta)] if total else []
    changes.append((counts.BY_JURISDICTION, referral.jurisdiction or counts.UNKNOWN, delta))
    changes += [(counts.BY_ROUTE, route, delta) for route in referral.routes_offered]
    changes += [(counts.BY_PLATFORM, platform, delta) for platform in referral.platforms]
    return changes
