"""The stats page and the funders' CSV export, made only from the anonymous counts.

Nothing here reads a referral or a handoff, so neither the charts nor the export can
carry personal data, and the figures survive retention purges and erasure.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.backend.keys import CLOCK, SESSIONS, USER
from bot.backend.staff import charts
from bot.backend.storage import audit, counts
from bot.backend.storage.models import AggregateCount
from bot.backend.storage.vocab import OUTCOME_LABELS, WITHDRAWN
from bot.backend.web.templating import render

DEFAULT_WEEKS = 12
MAX_WEEKS = 156
CSV_COLUMNS = ("week_starting", "metric", "key", "count")
BREAKDOWNS = (
    (counts.BY_ROUTE, "Referrals by route offered"),
    (counts.BY_PLATFORM, "Referrals by platform"),
    (counts.BY_JURISDICTION, "Referrals by jurisdiction"),
    (counts.OUTCOMES, "Handoff outcomes"),
)


async def load_counts(session: AsyncSession, since: dt.date) -> list[AggregateCount]:
    """Every count from the week starting `since` onwards."""
    result = await session.scalars(
        select(AggregateCount).where(AggregateCount.week >= since)
        .order_by(AggregateCount.week, AggregateCount.metric, AggregateCount.key)
    )
    return list(result)


def build_charts(rows: list[AggregateCount], weeks: list[dt.date]) -> list[charts.Chart]:
    """Weekly columns for referrals, handoffs and outcomes; rows for each breakdown."""
    def weekly(metric: str) -> list[tuple[str, int]]:
        per_week = dict.fromkeys(weeks, 0)
        for row in rows:
            if row.metric == metric and row.week in per_week:
                per_week[row.week] += row.count
        return [(week.strftime("%d %b"), value) for week, value in per_week.items()]

    def totals(metric: str) -> list[tuple[str, int]]:
        summed: dict[str, int] = {}
        for row in rows:
            if row.metric == metric:
                summed[row.key] = summed.get(row.key, 0) + row.count
        return [(_label(metric, key), value) for key, value in summed.items() if value]

    return [
        charts.columns("Referrals by week", weekly(counts.REFERRALS)),
        charts.columns("Handoffs by week", weekly(counts.HANDOFFS)),
        charts.columns("Handoffs closed by week (resolved or withdrawn)",
                       weekly(counts.OUTCOMES)),
        *(charts.rows(title, totals(metric)) for metric, title in BREAKDOWNS),
    ]


async def stats_page(request: web.Request) -> web.StreamResponse:
    """GET /staff/stats?weeks=N."""
    weeks = _weeks(request, request.config_dict[CLOCK]())
    rows = await _read(request, weeks[0], "stats.view")
    return render("stats.html", request, {
        "charts": build_charts(rows, weeks), "weeks": len(weeks), "since": weeks[0],
    })


async def stats_csv(request: web.Request) -> web.StreamResponse:
    """GET /staff/stats.csv?weeks=N: week, metric, key, count; counts only."""
    weeks = _weeks(request, request.config_dict[CLOCK]())
    rows = await _read(request, weeks[0], "stats.export")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow((row.week.isoformat(), row.metric, row.key, row.count))
    return web.Response(
        text=buffer.getvalue(), content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="stats-since-{weeks[0]}.csv"'},
    )


async def _read(request: web.Request, since: dt.date, action: str) -> list[AggregateCount]:
    config = request.config_dict
    async with config[SESSIONS].begin() as session:
        rows = await load_counts(session, since)
        audit.record(session, audit.staff(request[USER].id), action, config[CLOCK](),
                     detail=f"since={since.isoformat()}")
    return rows


def _weeks(request: web.Request, now: dt.datetime) -> list[dt.date]:
    raw = request.query.get("weeks", "")
    count = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else DEFAULT_WEEKS
    count = min(max(count, 1), MAX_WEEKS)
    this_week = counts.week_of(now)
    return [this_week - dt.timedelta(weeks=back) for back in range(count - 1, -1, -1)]


def _label(metric: str, key: str) -> str:
    if metric == counts.OUTCOMES:
        return "Withdrawn by the victim" if key == WITHDRAWN else OUTCOME_LABELS.get(key, key)
    return key.replace("_", " ")
