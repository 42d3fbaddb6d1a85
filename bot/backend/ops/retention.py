"""Scheduled deletion (OWASP ASVS 8.3.8): conversations untouched for RETENTION_DAYS go.

A conversation's referral, handoffs and notes are purged once the backend has heard
nothing about it for the retention period, whatever the handoff's status; transcript rows
in Rasa's tracker store are purged by their own timestamps. Applied-event ids and expired
staff sessions go too. Only the anonymous counts remain. Every run is audited, including
runs that found nothing, so the audit log shows the job is alive.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import delete, or_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.backend.settings import Settings
from bot.backend.staff.sessions import Lifetime
from bot.backend.storage import audit
from bot.backend.storage.db import delete_rows
from bot.backend.storage.models import AppliedEvent, Referral, StaffSession
from bot.backend.storage.rasa_events import TrackerStore
from bot.backend.storage.referrals import delete_referrals

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    """How long things live."""

    retention: dt.timedelta
    sessions: Lifetime

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        """The policy the environment configures."""
        return cls(dt.timedelta(days=settings.retention_days), Lifetime.from_settings(settings))


@dataclass(frozen=True)
class Purge:
    """How much one run removed."""

    referrals: int
    handoffs: int
    notes: int
    applied_events: int
    staff_sessions: int
    transcript_events: int


async def purge(
    sessions: async_sessionmaker[AsyncSession], tracker: TrackerStore, policy: Policy,
    now: dt.datetime,
) -> Purge:
    """Delete everything older than the policy allows; audit what went."""
    cutoff = now - policy.retention
    transcript_events = await tracker.delete_before(cutoff)
    async with sessions.begin() as session:
        expired = await delete_referrals(session, Referral.last_event_at < cutoff)
        events = await delete_rows(session, delete(AppliedEvent).where(
            AppliedEvent.received_at < cutoff))
        staff_sessions = await delete_rows(session, delete(StaffSession).where(or_(
            StaffSession.last_seen_at < now - policy.sessions.idle,
            StaffSession.created_at < now - policy.sessions.maximum,
        )))
        result = Purge(expired.referrals, expired.handoffs, expired.notes, events,
                       staff_sessions, transcript_events)
        audit.record(session, audit.SYSTEM, "retention.purge", now, detail=audit.counts(
            referrals=result.referrals, handoffs=result.handoffs, notes=result.notes,
            transcript_events=result.transcript_events))
    return result


async def run_every(interval: dt.timedelta, job: Callable[[], Awaitable[object]]) -> None:
    """Run the job now and then every interval until cancelled; a failed run is retried."""
    while True:
        try:
            await job()
        except Exception:  # the next run retries; the job must outlive a database restart
            log.exception("retention purge failed; retrying in %s", interval)
        await asyncio.sleep(interval.total_seconds())
