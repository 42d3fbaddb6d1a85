"""The dashboard's Directory page: the assistant's own directory for staff, read-only, with
sources and last-checked dates, stale and unconfirmed entries highlighted, and the list of
what is due for checking for supervisors and admins only."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from bot.directory import cached_directory

from .support import Client, add_staff, login

pytestmark = pytest.mark.asyncio


async def page(client: Client, role: str, query: str = "") -> str:
    await add_staff(client.app, f"{role}@example.org", role=role)
    await login(client, f"{role}@example.org")
    response = await client.get(f"/staff/directory{query}")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    return html.unescape(await response.text())


async def test_staff_see_the_services_for_a_place_and_age_with_sources(client: Client):
    text = await page(client, "advisor", "?country=GB-SCT&age=under_18")
    directory = cached_directory()
    for sid in ("report_remove", "childline"):
        service = directory.service(sid)
        assert service.name in text
        assert all(source in text for source in service.provenance.source)
    assert "<h3>Revenge Porn Helpline</h3>" not in text  # for adults only
    assert "Last checked" in text and "Scotland: emergency and police" in text
    assert "Due for checking" not in text  # advisors do not see the checking list


async def test_each_place_shows_its_own_law_and_numbers(client: Client):
    text = await page(client, "advisor", "?country=AU&age=adult")
    assert "000" in text and "eSafety" in text
    assert "Criminal Code" in text or "Online Safety Act" in text
    assert "<h3>Revenge Porn Helpline</h3>" not in text  # the UK's


async def test_unconfirmed_facts_are_highlighted(client: Client):
    text = await page(client, "advisor", "?country=US&age=adult")
    ccri = cached_directory().service("ccri_helpline")
    assert ccri.provenance.unverified  # the fact sheet marks its phone unconfirmed
    assert f"{ccri.provenance.unverified[0]} not confirmed" in text


async def test_supervisors_see_what_is_due_for_checking(client: Client, clock):
    clock.now = dt.datetime(2027, 9, 1, tzinfo=dt.UTC)  # months after the last checks
    text = await page(client, "supervisor")
    assert "Due for checking" in text
    assert "days ago" in text and "due for checking" in text
    assert "Not confirmed" in text


async def test_a_hostile_query_falls_back_to_the_defaults(client: Client):
    text = await page(client, "advisor", "?country=<script>&age=%00")
    assert "<script>" not in text.replace("&lt;", "")
    assert "United Kingdom: emergency and police" in text


async def test_signed_out_visitors_are_sent_to_the_login(client: Client):
    response = await client.get("/staff/directory", allow_redirects=False)
    assert response.status in (302, 303) and "/staff/login" in response.headers["Location"]
