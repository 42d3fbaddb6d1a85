"""How many handoffs may be queued: HANDOFFS_PER_CONVERSATION a day for one conversation,
HANDOFFS_PER_IP a day for the widget sessions opened from one address.

A script that opens many sessions could otherwise fill the staff queue with fake
requests, and real ones would wait behind them. Past a limit the referral is still
recorded (its counts, its consent) but no new handoff is queued, and the audit log says
so. An event that only updates a handoff already open is never held back. The address
of a widget session is the keyed hash the relay noted when it opened the session
(chat/websocket.py); Telegram conversations have only the per-conversation limit (a
Telegram account is not free to make by the thousand).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from aiohttp import web
from sqlalchemy import func, select

from bot.backend.api.schema import IngestEvent
from bot.backend.keys import CLOCK, LIMITS, SESSIONS, SETTINGS, VAULT
from bot.backend.storage import audit
from bot.backend.storage.models import Handoff, Referral
from bot.backend.storage.referrals import of_conversation
from bot.backend.storage.vocab import OPEN_STATUSES

DAY = dt.timedelta(days=1)


async def held_back(request: web.Request, event: IngestEvent) -> tuple[IngestEvent, str | None]:
    """The event as it may be applied, and why its handoff was held back (or None)."""
    if event.handoff is None:
        return event, None
    config = request.config_dict
    settings, now = config[SETTINGS], config[CLOCK]()
    async with config[SESSIONS]() as session:
        referral_ids = select(Referral.id).where(of_conversation(config[VAULT],
                                                                 event.conversation_id))
        handoffs = select(Handoff).where(Handoff.referral_id.in_(referral_ids))
        if await session.scalar(select(func.count()).select_from(
                handoffs.where(Handoff.status.in_(OPEN_STATUSES)).subquery())):
            return event, None  # an update to the open handoff
        recent = await session.scalar(select(func.count()).select_from(
            handoffs.where(Handoff.requested_at > now - DAY).subquery())) or 0
    reason = None
    if recent >= settings.handoffs_per_conversation:
        reason = "conversation"
    else:
        client = await config[LIMITS].recall(f"client-of:{event.conversation_id}")
        if client is not None and await config[LIMITS].hit(
                f"handoff:{client}", DAY.total_seconds()) > settings.handoffs_per_ip:
            reason = "address"
    if reason is None:
        return event, None
    async with config[SESSIONS].begin() as session:
        audit.record(session, audit.SERVICE, "handoff.limited", now, outcome="denied",
                     detail=f"reason={reason}")
    return dataclasses.replace(event, handoff=None), reason
