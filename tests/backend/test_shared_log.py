"""A log the person chose to share: shown read-only on the case page, audited; the holder
adds a report made for them; nothing shown when it is not shared. The action server is a
small fake here (its own routes are tested in tests/actions/caselog/test_staff_route.py)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.backend.keys import SESSIONS
from bot.backend.storage.models import AuditEntry

from .support import FakeRasa, MakeClient, add_staff, ingest_handoff, login, submit

pytestmark = pytest.mark.asyncio
CONVERSATION = "tg-shared-log-conversation-1"
TOKEN = secrets.token_urlsafe(32)
SCRIPT = "<script>alert(1)</script>"


class FakeActions:
    """The action server's shared-log routes, over one conversation's log."""

    def __init__(self) -> None:
        self.shared = True
        self.lines: list[dict[str, Any]] = [
            {"number": 1, "kind": "place", "text": f"Place it's posted, reddit.com/r/x/1 {SCRIPT}"}]
        self.reports: list[dict[str, Any]] = []
        self.url = ""


@pytest_asyncio.fixture
async def actions(aiohttp_server: Callable[..., Awaitable[TestServer]]
                  ) -> AsyncIterator[FakeActions]:
    fake = FakeActions()

    def allowed(request: web.Request) -> bool:
        return (request.headers.get("Authorization") == f"Bearer {TOKEN}"
                and request.match_info["conversation_id"] == CONVERSATION and fake.shared)

    async def read(request: web.Request) -> web.Response:
        if not allowed(request):
            return web.json_response({"error": "not_found"}, status=404)
        return web.json_response({"entries": fake.lines})

    async def report(request: web.Request) -> web.Response:
        if not allowed(request):
            return web.json_response({"error": "not_found"}, status=404)
        body = await request.json()
        fake.reports.append(body)
        number = len(fake.lines) + 1
        fake.lines.append({"number": number, "kind": "report",
                           "text": f"Report made, {body['to']}, added by the team, for you"})
        return web.json_response({"number": number}, status=201)

    app = web.Application()
    app.router.add_get("/case-logs/{conversation_id}", read)
    app.router.add_post("/case-logs/{conversation_id}/reports", report)
    server = await aiohttp_server(app)
    fake.url = str(server.make_url("")).rstrip("/")
    yield fake


async def _case(make_client: MakeClient, fake_rasa: FakeRasa, actions: FakeActions):
    client = await make_client(RASA_URL=fake_rasa.url, ACTIONS_URL=actions.url,
                               CASE_LOG_STAFF_TOKEN=TOKEN)
    handoff_id = await ingest_handoff(client, CONVERSATION)
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    return client, f"/staff/cases/{handoff_id}"


async def _audited(client: Any) -> list[str]:
    async with client.app[SESSIONS]() as session:
        return list((await session.scalars(select(AuditEntry.action))).all())


async def test_a_shared_log_is_shown_read_only_and_audited(
        make_client: MakeClient, fake_rasa: FakeRasa, actions: FakeActions) -> None:
    client, case = await _case(make_client, fake_rasa, actions)
    html = await (await client.get(case)).text()
    assert "Their log" in html and "reddit.com/r/x/1 &lt;script&gt;" in html
    assert SCRIPT not in html
    assert 'action="' + case + '/log_report"' not in html  # not the holder yet
    assert "case_log.view" in await _audited(client)


async def test_the_holder_adds_a_report_made_for_them(
        make_client: MakeClient, fake_rasa: FakeRasa, actions: FakeActions) -> None:
    client, case = await _case(make_client, fake_rasa, actions)
    await submit(client, case, f"{case}/claim")
    response = await submit(client, case, f"{case}/log_report",
                            {"to": "Reddit", "reference": "RDT-1", "at": "2026-12-04"},
                            allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].endswith("?log=added")
    assert actions.reports == [{"to": "Reddit", "reference": "RDT-1", "at": "2026-12-04"}]
    html = await (await client.get(f"{case}?log=added")).text()
    assert "Added to their log" in html and "Report made, Reddit, added by the team" in html
    assert "case.log_report" in await _audited(client)


async def test_a_log_not_shared_is_not_shown_and_cannot_be_added_to(
        make_client: MakeClient, fake_rasa: FakeRasa, actions: FakeActions) -> None:
    actions.shared = False
    client, case = await _case(make_client, fake_rasa, actions)
    assert "Their log" not in await (await client.get(case)).text()
    await submit(client, case, f"{case}/claim")
    response = await submit(client, case, f"{case}/log_report", {"to": "Reddit"},
                            allow_redirects=False)
    assert response.status == 409 and actions.reports == []
    assert "case_log.view" not in await _audited(client)
