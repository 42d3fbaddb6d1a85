"""The stats page and the CSV for funders: anonymous counts, and nothing personal."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from bot.backend.keys import SESSIONS
from bot.backend.storage.models import AuditEntry
from bot.backend.storage.vocab import OUTCOME_LABELS
from bot.contract import JURISDICTIONS, ROUTES

from .support import (
    AUTH,
    Client,
    add_staff,
    ingest_handoff,
    login,
    post_event,
    referral_event,
    submit,
)

pytestmark = pytest.mark.asyncio
PERSONAL = ("Photos shared", "sam@example.org", "weekday evenings", "conv-a", "conv-b",
            "conv-c", "Called her back")


async def _activity(client: Client) -> None:
    await post_event(client, referral_event("conv-a", jurisdiction="GB-WLS",
                                            platforms=["tiktok", "x"]))
    resolved = await ingest_handoff(client, "conv-b", jurisdiction="IE")
    await ingest_handoff(client, "conv-c")
    await client.post("/api/v1/conversations/conv-c/withdraw", headers=AUTH)
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    case = f"/staff/cases/{resolved}"
    await submit(client, case, f"{case}/claim")
    await submit(client, case, f"{case}/note", {"body": "Called her back"})
    await submit(client, case, f"{case}/resolve", {"outcome": "referred_on"})


async def _csv(client: Client) -> list[dict[str, str]]:
    response = await client.get("/staff/stats.csv")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(await response.text())))


async def test_the_export_holds_counts_and_nothing_personal(client: Client) -> None:
    await _activity(client)
    rows = await _csv(client)
    figures = {(row["metric"], row["key"]): int(row["count"]) for row in rows}
    assert figures[("referrals", "all")] == 3
    assert figures[("handoffs", "all")] == 2
    assert figures[("outcomes", "referred_on")] == 1
    assert figures[("outcomes", "withdrawn")] == 1
    assert figures[("referrals_by_jurisdiction", "GB-WLS")] == 1
    assert figures[("referrals_by_platform", "tiktok")] == 1
    assert figures[("referrals_by_route", "human")] == 2
    allowed_keys = {"all", "unknown", *JURISDICTIONS, *ROUTES, *OUTCOME_LABELS, "withdrawn",
                    "instagram", "tiktok", "x"}
    for row in rows:
        assert set(row) == {"week_starting", "metric", "key", "count"}
        assert row["key"] in allowed_keys
    text = str(rows)
    for value in (*PERSONAL, "ana@example.org"):
        assert value not in text


async def test_the_stats_page_draws_charts_without_personal_data(client: Client) -> None:
    await _activity(client)
    response = await client.get("/staff/stats")
    html = await response.text()
    assert response.status == 200
    assert html.count("<svg") >= 5
    for title in ("Referrals by week", "Handoffs by week", "Referrals by route offered",
                  "Referrals by platform", "Referrals by jurisdiction", "Handoff outcomes"):
        assert title in html
    assert "Referred to another service" in html
    for value in PERSONAL:
        assert value not in html
    async with client.app[SESSIONS]() as session:
        actions = [row.action for row in await session.scalars(select(AuditEntry))]
    assert "stats.view" in actions
    await client.get("/staff/stats.csv")
    async with client.app[SESSIONS]() as session:
        actions = [row.action for row in await session.scalars(select(AuditEntry))]
    assert "stats.export" in actions


async def test_the_figures_survive_erasure(client: Client) -> None:
    await _activity(client)
    before = await _csv(client)
    for conversation in ("conv-a", "conv-b", "conv-c"):
        await client.delete(f"/api/v1/conversations/{conversation}", headers=AUTH)
    assert await _csv(client) == before


async def test_an_empty_period_says_so(client: Client) -> None:
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    html = await (await client.get("/staff/stats?weeks=4")).text()
    assert "No data for this period." in html
    assert await _csv(client) == []
