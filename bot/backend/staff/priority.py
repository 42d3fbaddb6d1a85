"""Handoff priority: how urgently a waiting victim needs a person.

Formula (levels: 1 urgent, 2 high, 3 standard):

    base     = 1 if the referral has the flag immediate_danger or crisis
               2 if it has under_18 or sextortion
               3 otherwise
    priority = max(1, base - floor(hours waiting / PRIORITY_ESCALATION_HOURS))

So risk decides where a case starts, and every escalation period it waits (24 hours by
default) lifts it one level, never above urgent: no one is left at the bottom forever.
Waiting is counted from when the victim asked (the event's created_at). The queue sorts by
priority, then by waiting time, longest first.

The formula is computed in SQL (a CASE over bound times), so the queue can sort and page
10,000 cases in the database on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import ColumnElement, and_, case

from bot.backend.storage.models import Handoff, Referral

URGENT, HIGH, STANDARD = 1, 2, 3
LABELS = {URGENT: "Urgent", HIGH: "High", STANDARD: "Standard"}


def base_level(risk_flags: Collection[str]) -> int:
    """The priority a case starts at, from its risk flags."""
    if "immediate_danger" in risk_flags or "crisis" in risk_flags:
        return URGENT
    if "under_18" in risk_flags or "sextortion" in risk_flags:
        return HIGH
    return STANDARD


def priority_expression(now: dt.datetime, escalation: dt.timedelta) -> ColumnElement[int]:
    """The priority of a handoff at `now`, as an SQL expression over handoffs ⋈ referrals."""
    whens = []
    for base in (HIGH, STANDARD):
        for level in range(URGENT, base):
            # Reaching `level` from `base` takes (base - level) escalation periods of waiting.
            waited_since = now - (base - level) * escalation
            whens.append(
                (and_(Referral.risk_level == base, Handoff.requested_at <= waited_since), level)
            )
    return case(*whens, else_=Referral.risk_level)
