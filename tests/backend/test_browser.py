"""A real browser (Playwright driving Debian's Chromium): log in, claim, note, resolve, and
look a service up on the Directory page.

No browser is ever downloaded: the test drives the `chromium` on PATH (which `make setup`
installs) and fails, saying what to run, without it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import async_playwright, expect

from bot.backend.main import init_app
from tests.support.browser import CHROMIUM_ARGS, chromium_path

from .support import (
    AUTH,
    PASSWORD,
    Clock,
    Databases,
    FakeRasa,
    add_staff,
    handoff_event,
    make_settings,
)

pytestmark = [pytest.mark.asyncio]


async def test_an_advisor_claims_notes_and_resolves_a_handoff_in_a_browser(
    aiohttp_server: Callable[..., Awaitable[TestServer]], databases: Databases,
    clock: Clock, fake_rasa: FakeRasa,
) -> None:
    fake_rasa.trackers["browser-conv"] = [
        {"event": "user", "text": "<script>alert('x')</script> please help",
         "timestamp": dt.datetime.now(dt.UTC).timestamp()},
    ]
    app = init_app(make_settings(databases, RASA_URL=fake_rasa.url), clock)
    server = await aiohttp_server(app)
    base = str(server.make_url("")).rstrip("/")
    await add_staff(app, "ana@example.org")
    async with aiohttp.ClientSession() as http:
        response = await http.post(f"{base}/api/v1/events", headers=AUTH,
                                   json=handoff_event("browser-conv", risk_flags=["crisis"]))
        assert response.status == 201

    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                                   args=CHROMIUM_ARGS)
        page = await browser.new_page()
        page.on("dialog", lambda dialog: problems.append(f"dialog: {dialog.message}"))
        page.on("console", lambda message: _console(message, problems))
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

        await page.goto(f"{base}/staff/login")
        await page.get_by_label("Email").fill("ana@example.org")
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("heading", name="Handoff queue")).to_be_visible()
        await expect(page.get_by_text("Urgent", exact=True)).to_be_visible()

        await page.get_by_role("link", name="Open case").click()
        await expect(page.get_by_text("please help")).to_be_visible()
        await page.get_by_role("button", name="Claim").click()
        await expect(page.get_by_text("held by ana@example.org")).to_be_visible()

        await page.get_by_label("New note").fill("Emailed a safe-contact check at 18:05.")
        await page.get_by_role("button", name="Add note").click()
        await expect(page.get_by_text("Emailed a safe-contact check at 18:05.")).to_be_visible()

        await page.get_by_label("Outcome").select_option("takedown_requested")
        await page.get_by_role("button", name="Resolve").click()
        await expect(page.locator(".status strong")).to_have_text("Resolved")
        await expect(page.get_by_text("Takedown requested, not yet confirmed")).to_be_visible()
        await expect(page.get_by_role("button", name="Add note")).to_have_count(0)
        assert await page.evaluate("document.cookie") == "", "session cookies are HttpOnly"

        # The Directory page: the assistant's own directory, for a call back.
        await page.get_by_role("link", name="Directory").click()
        await expect(page.get_by_role("heading", name="Directory", exact=True)).to_be_visible()
        await page.get_by_label("Where").select_option("AU")
        await page.get_by_label("Age").select_option("under_18")
        await page.get_by_role("button", name="Show").click()
        await expect(page.get_by_role("heading", name="eSafety Commissioner")).to_be_visible()
        await expect(page.get_by_role("heading", name="Kids Helpline")).to_be_visible()
        await expect(page.get_by_text("Last checked").first).to_be_visible()
        await expect(page.get_by_role("heading", name="Due for checking")).to_have_count(0)
        await browser.close()
    assert problems == []


def _console(message: Any, problems: list[str]) -> None:
    if message.type in ("error", "warning"):
        problems.append(f"console {message.type}: {message.text}")
