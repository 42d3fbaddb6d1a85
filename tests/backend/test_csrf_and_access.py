"""CSRF on every state change, and object-level access checks (ASVS 4.2.1, 4.2.2)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.backend.keys import SESSIONS
from bot.backend.storage.models import AuditEntry, Handoff, Note

from .support import (
    Client,
    MakeClient,
    add_staff,
    count,
    csrf_token,
    ingest_handoff,
    login,
    submit,
)

pytestmark = pytest.mark.asyncio


async def _status(client: Client, handoff_id: str) -> tuple[str, object]:
    async with client.app[SESSIONS]() as session:
        handoff = (await session.scalars(select(Handoff))).one()
        assert str(handoff.id) == handoff_id
        return handoff.status, handoff.assignee_id


async def _denials(client: Client) -> list[str]:
    async with client.app[SESSIONS]() as session:
        rows = await session.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied"))
        return [row.action for row in rows]


async def test_a_post_without_the_csrf_token_is_refused(client: Client) -> None:
    handoff_id = await ingest_handoff(client, "c1")
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    missing = await client.post(f"/staff/cases/{handoff_id}/claim", data={})
    forged = await client.post(f"/staff/cases/{handoff_id}/claim",
                               data={"csrf_token": "forged-token"})
    assert (missing.status, forged.status) == (403, 403)
    assert await _status(client, handoff_id) == ("new", None)
    assert await _denials(client) == ["csrf.rejected", "csrf.rejected"]


async def test_another_sessions_token_is_refused(make_client: MakeClient) -> None:
    first = await make_client()
    await add_staff(first.app, "ana@example.org")
    await add_staff(first.app, "ben@example.org")
    handoff_id = await ingest_handoff(first, "c1")
    await login(first, "ana@example.org")
    bens = await make_client()
    await login(bens, "ben@example.org")
    bens_token = csrf_token(await (await bens.get("/staff/queue")).text())
    response = await first.post(f"/staff/cases/{handoff_id}/claim",
                                data={"csrf_token": bens_token})
    assert response.status == 403


async def test_logout_and_login_need_csrf_tokens_too(client: Client) -> None:
    await add_staff(client.app, "ana@example.org")
    no_token_login = await client.post("/staff/login", data={
        "email": "ana@example.org", "password": "correct horse battery staple"})
    assert no_token_login.status == 403
    await login(client, "ana@example.org")
    no_token_logout = await client.post("/staff/logout", data={})
    assert no_token_logout.status == 403
    assert (await client.get("/staff/queue")).status == 200


async def test_an_advisor_cannot_touch_another_advisors_case(make_client: MakeClient) -> None:
    ana = await make_client()
    handoff_id = await ingest_handoff(ana, "c1")
    await add_staff(ana.app, "ana@example.org")
    await add_staff(ana.app, "ben@example.org")
    await login(ana, "ana@example.org")
    case = f"/staff/cases/{handoff_id}"
    await submit(ana, case, f"{case}/claim")

    ben = await make_client()
    await login(ben, "ben@example.org")
    token = csrf_token(await (await ben.get("/staff/queue")).text())
    view = await ben.get(case)
    assert view.status == 403
    assert "Photos shared" not in await view.text()
    for action, form in (("claim", {}), ("start", {}), ("release", {}),
                         ("note", {"body": "sneaky"}), ("resolve", {"outcome": "declined"}),
                         ("reassign", {"assignee": "00000000-0000-4000-8000-000000000000"})):
        response = await ben.post(f"{case}/{action}", data={"csrf_token": token, **form})
        assert response.status == 403, action
    status, assignee = await _status(ana, handoff_id)
    assert status == "claimed" and assignee is not None
    assert await count(ana.app, Note) == 0
    assert await _denials(ana) == ["case.view", "case.claim", "case.start", "case.release",
                                   "case.note", "case.resolve", "case.reassign"]


async def test_a_supervisor_reassigns_and_the_new_holder_can_act(
    make_client: MakeClient,
) -> None:
    ana = await make_client()
    handoff_id = await ingest_handoff(ana, "c1")
    await add_staff(ana.app, "ana@example.org")
    ben_id = await add_staff(ana.app, "ben@example.org")
    await add_staff(ana.app, "sue@example.org", role="supervisor")
    await login(ana, "ana@example.org")
    case = f"/staff/cases/{handoff_id}"
    await submit(ana, case, f"{case}/claim")

    sue = await make_client()
    await login(sue, "sue@example.org")
    assert (await sue.get(case)).status == 200, "supervisors see every case"
    note = await submit(sue, case, f"{case}/note", {"body": "not mine to write"})
    assert note.status == 403, "supervisors reassign rather than work another's case"
    moved = await submit(sue, case, f"{case}/reassign", {"assignee": str(ben_id)})
    assert moved.status == 200
    assert await _status(ana, handoff_id) == ("claimed", ben_id)

    ben = await make_client()
    await login(ben, "ben@example.org")
    assert (await submit(ben, case, f"{case}/note", {"body": "Taking over."})).status == 200
    assert (await ana.get(case)).status == 403, "the previous holder has lost access"


async def test_the_audit_log_is_for_admins_only(client: Client) -> None:
    await add_staff(client.app, "sue@example.org", role="supervisor")
    await login(client, "sue@example.org")
    assert (await client.get("/staff/audit")).status == 403
    assert await _denials(client) == ["audit.view"]
