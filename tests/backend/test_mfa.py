"""TOTP for admins: enrolment, codes, replay, and lockout (OWASP ASVS 2.8, 4.3.1)."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

from bot.backend.keys import SESSIONS, VAULT
from bot.backend.storage.models import StaffSession, StaffUser

from .support import Client, Clock, add_staff, count, csrf_token, login, totp_code

pytestmark = pytest.mark.asyncio
ADMIN = "admin@example.org"


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
    assert enrolled.url.path == "/staff/queue"
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


async def test_advisors_sign_in_with_a_password_alone(client: Client) -> None:
    await add_staff(client.app, "ana@example.org")
    assert (await login(client, "ana@example.org")).url.path == "/staff/queue"


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
