"""A staff member's own account: password change with the breached-password check, the
list of their sessions and signing out everywhere (ASVS 2.1, 3.3)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.backend.keys import SESSIONS
from bot.backend.staff import breached
from bot.backend.staff.passwords import check_strength
from bot.backend.storage.models import AuditEntry, StaffSession, StaffUser

from .support import PASSWORD, Client, MakeClient, add_staff, csrf_token, login

pytestmark = pytest.mark.asyncio
EMAIL = "ana@example.org"
NEW = "a long new passphrase: lighthouse, ferry, kelp"


async def _change(client: Client, current: str, new: str, confirm: str | None = None):
    page = await client.get("/staff/account")
    return await client.post("/staff/account/password", data={
        "csrf_token": csrf_token(await page.text()), "current": current, "new": new,
        "confirm": new if confirm is None else confirm})


async def test_a_password_change_ends_the_other_sessions(make_client: MakeClient) -> None:
    here = await make_client()
    await add_staff(here.app, EMAIL)
    await login(here, EMAIL)
    elsewhere = await make_client()
    await login(elsewhere, EMAIL)
    changed = await _change(here, PASSWORD, NEW)
    assert changed.status == 200 and "password is changed" in await changed.text()
    assert (await here.get("/staff/queue")).url.path == "/staff/queue"
    assert (await elsewhere.get("/staff/queue")).url.path == "/staff/login"
    assert (await login(elsewhere, EMAIL)).url.path == "/staff/login", "old password gone"
    assert (await login(elsewhere, EMAIL, NEW)).url.path == "/staff/queue"


@pytest.mark.parametrize("new, confirm, message", [
    ("password1234", None, "attackers try first"),
    ("Sunshine2024!!", None, "attackers try first"),
    ("iloveyouiloveyou", None, "attackers try first"),
    ("short", None, "at least 12"),
    (NEW, NEW + "x", "not the same"),
    (PASSWORD, None, "must differ"),
    ("ana@example.org is me", None, "email address"),
])
async def test_weak_or_breached_new_passwords_are_refused(
        client: Client, new: str, confirm: str | None, message: str) -> None:
    await add_staff(client.app, EMAIL)
    await login(client, EMAIL)
    refused = await _change(client, PASSWORD, new, confirm)
    assert refused.status == 400 and message in await refused.text()
    assert (await login(client, EMAIL)).url.path == "/staff/queue", "password unchanged"


async def test_a_wrong_current_password_counts_towards_the_lockout(client: Client) -> None:
    await add_staff(client.app, EMAIL)
    await login(client, EMAIL)
    refused = await _change(client, "not my password at all", NEW)
    assert refused.status == 400 and "current password was not right" in await refused.text()
    async with client.app[SESSIONS]() as session:
        user = (await session.scalars(select(StaffUser))).one()
    assert user.failed_logins == 1


async def test_the_account_lists_ones_sessions_and_signs_out_everywhere(
        make_client: MakeClient) -> None:
    here = await make_client()
    await add_staff(here.app, EMAIL)
    other_id = await add_staff(here.app, "ben@example.org")
    await login(here, EMAIL)
    elsewhere = await make_client()
    await login(elsewhere, EMAIL)
    ben = await make_client()
    await login(ben, "ben@example.org")
    page = await here.get("/staff/account")
    html = await page.text()
    assert html.count("<tr>") == 3, "a header row and two sessions: Ben's is not listed"
    assert "This browser" in html
    ended = await here.post("/staff/account/sessions/end",
                            data={"csrf_token": csrf_token(html)}, allow_redirects=False)
    assert ended.status == 303 and ended.headers["Location"] == "/staff/login"
    for client in (here, elsewhere):
        assert (await client.get("/staff/queue")).url.path == "/staff/login"
    assert (await ben.get("/staff/queue")).url.path == "/staff/queue"
    async with here.app[SESSIONS]() as session:
        left = list(await session.scalars(select(StaffSession.user_id)))
        actions = [row.action for row in await session.scalars(select(AuditEntry))]
    assert left == [other_id]
    assert "auth.sessions_ended" in actions


async def test_the_shipped_list_is_read_and_used() -> None:
    assert len(breached.common_passwords()) >= 19_000
    assert breached.is_common("Password123456")
    assert not breached.is_common(NEW)
    assert check_strength("qwertyuiop123") is not None
    assert check_strength(NEW) is None
