"""TOTP for every role by default: enrolment, recovery codes, replay, and lockout (OWASP
ASVS 2.5, 2.8, 4.3.1). support.make_settings exempts advisors and supervisors for the
other suites; the tests of the default here build their app without that exemption."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

from bot.backend.keys import CLOCK, SESSIONS, VAULT
from bot.backend.storage.models import StaffSession, StaffUser

from bot.backend.staff import recovery
from bot.backend.storage.models import AuditEntry, RecoveryCode

from .support import (
    Client,
    Clock,
    MakeClient,
    add_staff,
    count,
    csrf_token,
    login,
    totp_code,
)

pytestmark = pytest.mark.asyncio
ADMIN = "admin@example.org"
RECOVERY_CODE = re.compile(r"<code>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</code>")


async def test_an_admin_without_totp_must_enrol_before_anything_else(
    client: Client, clock: Clock,
) -> None:
    await add_staff(client.app, ADMIN, role="admin")
    after_password = await login(client, ADMIN)
    assert after_password.url.path == "/staff/mfa/enrol"
    for path in ("/staff/queue", "/staff/audit", "/staff/stats.csv", "/staff/cases/x"):
        blocked = await client.get(path, allow_redirects=False)
        assert blocked.status == 303
        assert blocked.headers["Location"] == "/staff/mfa"
    page = await client.get("/staff/mfa/enrol")
    html = await page.text()
    secret = "".join(re.findall(r"<code>([A-Z2-7]{4})</code>", html))
    assert len(secret) == 32
    assert "otpauth://totp/" in html
    wrong = await client.post("/staff/mfa/enrol", data={
        "csrf_token": csrf_token(html), "code": "000000"})
    assert "not right" in await wrong.text()
    enrolled = await client.post("/staff/mfa/enrol", data={
        "csrf_token": csrf_token(html), "code": totp_code(secret, clock.now)})
    codes = RECOVERY_CODE.findall(await enrolled.text())
    assert len(codes) == 10 and len(set(codes)) == 10, "recovery codes, shown once"
    async with client.app[SESSIONS]() as session:
        stored = [row.code_hash for row in await session.scalars(select(RecoveryCode))]
    assert len(stored) == 10 and all(h.startswith("$argon2id$") for h in stored)
    assert not any(code.replace("-", "") in h for code in codes for h in stored)
    async with client.app[SESSIONS]() as session:
        admin = (await session.scalars(select(StaffUser))).one()
    assert admin.totp_secret_enc is not None
    assert client.app[VAULT].decrypt(admin.totp_secret_enc) == secret
    assert (await client.get("/staff/audit")).status == 200


async def test_an_admin_with_totp_needs_a_fresh_code(client: Client, clock: Clock) -> None:
    secret = pyotp.random_base32()
    await add_staff(client.app, ADMIN, role="admin", totp_secret=secret)
    assert (await login(client, ADMIN)).url.path == "/staff/mfa"
    pending_token = next(c.value for c in client.session.cookie_jar if c.key == "staff_session")
    page = await client.get("/staff/mfa")
    code = totp_code(secret, clock.now)
    accepted = await client.post("/staff/mfa", data={
        "csrf_token": csrf_token(await page.text()), "code": code})
    assert accepted.url.path == "/staff/queue"
    full_token = next(c.value for c in client.session.cookie_jar if c.key == "staff_session")
    assert full_token != pending_token, "a new session id once the second factor is given"

    await login(client, ADMIN)
    page = await client.get("/staff/mfa")
    replayed = await client.post("/staff/mfa", data={
        "csrf_token": csrf_token(await page.text()), "code": code})
    assert "already used" in await replayed.text(), "a code works once"
    clock.advance(seconds=30)
    fresh = await client.post("/staff/mfa", data={
        "csrf_token": csrf_token(await page.text()), "code": totp_code(secret, clock.now)})
    assert fresh.url.path == "/staff/queue"


async def test_wrong_codes_lock_the_account(client: Client) -> None:
    await add_staff(client.app, ADMIN, role="admin", totp_secret=pyotp.random_base32())
    await login(client, ADMIN)
    page = await client.get("/staff/mfa")
    token = csrf_token(await page.text())
    for _ in range(4):
        await client.post("/staff/mfa", data={"csrf_token": token, "code": "123456"})
    last = await client.post("/staff/mfa", data={"csrf_token": token, "code": "123456"},
                             allow_redirects=False)
    assert last.status == 303
    assert last.headers["Location"] == "/staff/login"
    assert await count(client.app, StaffSession) == 0
    assert "did not match" in await (await login(client, ADMIN)).text()


@pytest.mark.parametrize("role", ["advisor", "supervisor", "admin"])
async def test_by_default_every_role_needs_the_second_factor(
        make_client: MakeClient, role: str) -> None:
    client = await make_client(MFA_ROLES="advisor,supervisor,admin")
    await add_staff(client.app, "ana@example.org", role=role)
    assert (await login(client, "ana@example.org")).url.path == "/staff/mfa/enrol"
    blocked = await client.get("/staff/queue", allow_redirects=False)
    assert blocked.headers["Location"] == "/staff/mfa"


async def test_a_laptop_may_exempt_a_role(client: Client) -> None:
    await add_staff(client.app, "ana@example.org")  # support.py: MFA_ROLES=admin
    assert (await login(client, "ana@example.org")).url.path == "/staff/queue"


async def _pending_admin(client: Client) -> tuple[str, list[str]]:
    secret = pyotp.random_base32()
    user_id = await add_staff(client.app, ADMIN, role="admin", totp_secret=secret)
    async with client.app[SESSIONS].begin() as session:
        codes = await recovery.replace(session, user_id, client.app[CLOCK]())
    await login(client, ADMIN)
    return secret, codes


async def test_a_recovery_code_stands_in_for_the_authenticator_once(client: Client) -> None:
    _, codes = await _pending_admin(client)
    page = await client.get("/staff/mfa")
    typed = codes[3].lower().replace("-", " ")  # as people type them
    accepted = await client.post("/staff/mfa", data={
        "csrf_token": csrf_token(await page.text()), "code": typed})
    assert accepted.url.path == "/staff/queue"
    assert await count(client.app, RecoveryCode) == 9
    await login(client, ADMIN)
    page = await client.get("/staff/mfa")
    again = await client.post("/staff/mfa", data={
        "csrf_token": csrf_token(await page.text()), "code": codes[3]})
    assert "already used" in await again.text(), "each code works once"
    actions = await _actions(client)
    assert "auth.recovery_code_used" in actions and actions.count("auth.lockout") == 0


async def test_new_recovery_codes_void_the_old_ones(client: Client, clock: Clock) -> None:
    secret, old = await _pending_admin(client)
    page = await client.get("/staff/mfa")
    await client.post("/staff/mfa", data={"csrf_token": csrf_token(await page.text()),
                                          "code": totp_code(secret, clock.now)})
    account = await client.get("/staff/account")
    assert "10 unused recovery codes" in await account.text()
    fresh = await client.post("/staff/account/recovery-codes",
                              data={"csrf_token": csrf_token(await account.text())})
    new = RECOVERY_CODE.findall(await fresh.text())
    assert len(new) == 10 and not set(new) & set(old)
    await login(client, ADMIN)
    page = await client.get("/staff/mfa")
    refused = await client.post("/staff/mfa", data={
        "csrf_token": csrf_token(await page.text()), "code": old[0]})
    assert "not right" in await refused.text()


async def _actions(client: Client) -> list[str]:
    async with client.app[SESSIONS]() as session:
        return [row.action for row in await session.scalars(select(AuditEntry))]


async def test_the_second_factor_pages_are_only_for_pending_sessions(client: Client) -> None:
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    for path in ("/staff/mfa", "/staff/mfa/enrol"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303
        assert response.headers["Location"] == "/staff/queue"
    async with client.app[SESSIONS]() as session:
        advisor = (await session.scalars(select(StaffUser))).one()
    assert advisor.totp_secret_enc is None
