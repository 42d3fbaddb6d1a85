"""Anonymous weekly counts: what the stats page and the funders' export are made from.

They are bumped in the same transaction as the change they count, and kept when the
records themselves are purged or erased, so the figures stay true after deletion. Each
count is one-dimensional (week and one attribute), so no combination of them describes
a person.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.backend.storage.models import AggregateCount, table_of

REFERRALS = "referrals"
BY_ROUTE = "referrals_by_route"
BY_PLATFORM = "referrals_by_platform"
BY_JURISDICTION = "referrals_by_jurisdiction"
HANDOFFS = "handoffs"
OUTCOMES = "outcomes"
COUNTS = table_of(AggregateCount)
ALL = "all"
UNKNOWN = "unknown"


def week_of(moment: dt.datetime) -> dt.date:
    """The Monday (UTC) of the week a moment falls in."""
    day = moment.astimezone(dt.UTC).date()
    return day - dt.timedelta(days=day.weekday())


Changes = Iterable[tuple[dt.date, str, str, int]]


async def bump(session: AsyncSession, changes: Changes) -> None:
    """Add (week, metric, key, delta) changes to the counts, atomically."""
    rows = _rows(changes)
    if rows:
        await session.execute(_upsert(session.get_bind().dialect.name), rows)


def bump_sync(session: Session, changes: Changes) -> None:
    """bump() for the ingest worker thread's blocking session."""
    rows = _rows(changes)
    if rows:
        session.execute(_upsert(session.get_bind().dialect.name), rows)


def _rows(changes: Changes) -> list[dict[str, object]]:
    totals: Counter[tuple[dt.date, str, str]] = Counter()
    for week, metric, key, delta in changes:
        totals[(week, metric, key)] += delta
    return [{"week": week, "metric": metric, "key": key, "count": delta}
            for (week, metric, key), delta in totals.items() if delta]


def _upsert(dialect: str) -> Insert:
    """INSERT … ON CONFLICT DO UPDATE count = count + new, executed with many rows."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(COUNTS)
    return statement.on_conflict_do_update(
        index_elements=["week", "metric", "key"],
        set_={"count": COUNTS.c.count + statement.excluded.count},
    )
