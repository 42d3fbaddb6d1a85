"""Staff login, sessions and lockout (OWASP ASVS 2.2, 3.2, 3.3, 3.4)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.backend.keys import SESSIONS
from bot.backend.staff.sessions import token_id
from bot.backend.storage.models import AuditEntry, StaffSession, StaffUser

from .support import PASSWORD, Client, Clock, MakeClient, add_staff, count, csrf_token, login

pytestmark = pytest.mark.asyncio
EMAIL = "ana@example.org"


async def _actions(client: Client) -> list[tuple[str, str, str | None]]:
    async with client.app[SESSIONS]() as session:
        rows = await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(row.action, row.outcome, row.detail) for row in rows]


def _session_cookie(client: Client) -> str:
    return next(c.value for c in client.session.cookie_jar if c.key == "staff_session")


async def test_login_starts_a_server_side_session(client: Client) -> None:
    await add_staff(client.app, EMAIL)
    page = await client.get("/staff/login")
    response = await client.post("/staff/login", allow_redirects=False, data={
        "csrf_token": csrf_token(await page.text()), "email": " Ana@Example.org ",
        "password": "correct horse battery staple"})
    assert response.status == 303
    assert response.headers["Location"] == "/staff/queue"
    cookie = response.cookies["staff_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    assert not cookie["secure"], "plain http on localhost"
    assert await count(client.app, StaffSession,
                       StaffSession.id == token_id(cookie.value)) == 1
    queue = await client.get("/staff/queue")
    assert queue.status == 200
    assert ("auth.login", "ok", None) in await _actions(client)


async def test_a_wrong_password_starts_no_session(client: Client) -> None:
    await add_staff(client.app, EMAIL)
    response = await login(client, EMAIL, "wrong password entirely")
    assert "did not match" in await response.text()
    assert await count(client.app, StaffSession) == 0
    assert ("auth.login", "failed", "reason=bad_password") in await _actions(client)


async def test_an_unknown_email_is_audited_without_the_email(client: Client) -> None:
    response = await login(client, "mistyped-password-here@example.org")
    assert "did not match" in await response.text()
    assert await _actions(client) == [("auth.login", "failed", "reason=unknown_account")]
    async with client.app[SESSIONS]() as session:
        entry = (await session.scalars(select(AuditEntry))).one()
    assert entry.actor_kind == "anonymous"
    assert "mistyped" not in str(vars(entry))


@pytest.mark.parametrize("email", ["ana@example.org\x00", "ana\x01@example.org",
                                   "ana@exa\x7fmple.org"])
async def test_control_characters_in_the_email_are_a_failed_login_not_an_error(
        client: Client, email: str) -> None:
    await add_staff(client.app, EMAIL)
    response = await login(client, email, "correct horse battery staple")
    assert response.status == 200
    assert "did not match" in await response.text()
    assert await count(client.app, StaffSession) == 0
    assert await _actions(client) == [("auth.login", "failed", "reason=malformed")]


async def test_login_always_issues_a_new_session_id(client: Client) -> None:
    await add_staff(client.app, EMAIL)
    await login(client, EMAIL)
    first = _session_cookie(client)
    await login(client, EMAIL)
    second = _session_cookie(client)
    assert first != second
    assert await count(client.app, StaffSession, StaffSession.id == token_id(first)) == 0


async def test_repeated_failures_lock_the_account(client: Client, clock: Clock) -> None:
    await add_staff(client.app, EMAIL)
    for _ in range(5):
        await login(client, EMAIL, "guessing wrong password")
    locked = await login(client, EMAIL)  # the right password, during the lockout
    assert "did not match" in await locked.text()
    assert await count(client.app, StaffSession) == 0
    actions = await _actions(client)
    assert ("auth.lockout", "denied", None) in actions
    assert actions[-1] == ("auth.login", "failed", "reason=locked")
    clock.advance(minutes=16)
    after = await login(client, EMAIL)
    assert after.url.path == "/staff/queue"


async def test_logout_ends_the_session_on_the_server(client: Client) -> None:
    await add_staff(client.app, EMAIL)
    await login(client, EMAIL)
    stolen = _session_cookie(client)
    page = await client.get("/staff/queue")
    await client.post("/staff/logout", data={"csrf_token": csrf_token(await page.text())})
    assert await count(client.app, StaffSession) == 0
    client.session.cookie_jar.update_cookies({"staff_session": stolen})
    replayed = await client.get("/staff/queue", allow_redirects=False)
    assert replayed.status == 303
    assert replayed.headers["Location"] == "/staff/login"


async def test_an_idle_session_expires(client: Client, clock: Clock) -> None:
    await add_staff(client.app, EMAIL)
    await login(client, EMAIL)
    clock.advance(minutes=14)
    assert (await client.get("/staff/queue", allow_redirects=False)).status == 200
    clock.advance(minutes=14)
    assert (await client.get("/staff/queue", allow_redirects=False)).status == 200
    clock.advance(minutes=16)
    expired = await client.get("/staff/queue", allow_redirects=False)
    assert expired.status == 303
    assert await count(client.app, StaffSession) == 0


async def test_a_busy_session_still_ends_after_the_maximum(client: Client,
                                                           clock: Clock) -> None:
    await add_staff(client.app, EMAIL)
    await login(client, EMAIL)
    for _ in range(12 * 6):
        clock.advance(minutes=10)
        await client.get("/staff/queue", allow_redirects=False)
    clock.advance(minutes=10)
    assert (await client.get("/staff/queue", allow_redirects=False)).status == 303


async def test_behind_tls_cookies_are_secure_and_host_prefixed(
    make_client: MakeClient,
) -> None:
    client = await make_client()
    await add_staff(client.app, EMAIL)
    host = {"Host": "staff.example.org"}
    page = await client.get("/staff/login", headers=host)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    # The login form's CSRF cookie too: a sibling subdomain cannot plant one.
    assert "staff_login_csrf" not in page.cookies
    login_csrf = page.cookies["__Host-staff_login_csrf"]
    assert login_csrf["secure"] and login_csrf["path"] == "/" and not login_csrf["domain"]
    # The test client speaks plain http, so it will not send a Secure cookie back by itself.
    planted = await client.post(
        "/staff/login", allow_redirects=False,
        headers={**host, "Cookie": f"staff_login_csrf={login_csrf.value}"},
        data={"csrf_token": login_csrf.value, "email": EMAIL,
              "password": "correct horse battery staple"})
    assert planted.status == 403, "the unprefixed cookie is not the login form's"
    response = await client.post(
        "/staff/login", allow_redirects=False,
        headers={**host, "Cookie": f"__Host-staff_login_csrf={login_csrf.value}"},
        data={"csrf_token": csrf_token(await page.text()), "email": EMAIL,
              "password": "correct horse battery staple"})
    cookie = response.cookies["__Host-staff_session"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == "/" and not cookie["domain"]


async def test_an_inactive_account_cannot_sign_in(client: Client) -> None:
    user_id = await add_staff(client.app, EMAIL)
    async with client.app[SESSIONS].begin() as session:
        user = await session.get_one(StaffUser, user_id)
        user.active = False
    response = await login(client, EMAIL)
    assert "did not match" in await response.text()
    assert await count(client.app, StaffSession) == 0


PROXY = {"TRUSTED_PROXIES": "127.0.0.1/32,::1/128", "LOGIN_IP_MAX_FAILURES": "3"}


async def _failed_from(client: Client, address: str, email: str = EMAIL):
    page = await client.get("/staff/login")
    return await client.post("/staff/login", headers={"X-Forwarded-For": address}, data={
        "csrf_token": csrf_token(await page.text()), "email": email, "password": "wrong"})


async def test_one_address_cannot_keep_trying_whatever_account_it_names(
        make_client: MakeClient) -> None:
    client = await make_client(**PROXY)
    await add_staff(client.app, EMAIL)
    for email in ("x@example.org", "y@example.org", "z@example.org"):
        assert (await _failed_from(client, "203.0.113.7", email)).status == 200
    held_off = await _failed_from(client, "203.0.113.7")
    assert held_off.status == 429 and "from your network" in await held_off.text()
    right = await client.get("/staff/login")
    refused = await client.post("/staff/login", headers={"X-Forwarded-For": "203.0.113.7"},
                                data={"csrf_token": csrf_token(await right.text()),
                                      "email": EMAIL, "password": PASSWORD})
    assert refused.status == 429, "not even the right password is tried from there"
    async with client.app[SESSIONS]() as session:
        user = (await session.scalars(select(StaffUser))).one()
    assert user.failed_logins == 0 and user.locked_until is None, "the account is not locked"
    # Another address signs in, and the window ends for the first.
    page = await client.get("/staff/login")
    other = await client.post("/staff/login", headers={"X-Forwarded-For": "198.51.100.2"},
                              data={"csrf_token": csrf_token(await page.text()),
                                    "email": EMAIL, "password": PASSWORD})
    assert other.url.path == "/staff/queue"
    assert ("auth.login", "denied", "reason=address_throttled") in await _actions(client)


async def test_the_forwarded_address_counts_only_from_a_trusted_proxy(
        make_client: MakeClient) -> None:
    client = await make_client(LOGIN_IP_MAX_FAILURES="3")  # no trusted proxy
    for n in range(3):
        await _failed_from(client, f"203.0.113.{n}")
    assert (await _failed_from(client, "192.0.2.99")).status == 429, \
        "a client cannot pick a new address for itself"


async def test_the_address_limit_is_shared_by_every_process_through_redis(
        make_client: MakeClient, redis_prefix: str) -> None:
    from .conftest import REDIS_URL

    env = {**PROXY, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": redis_prefix}
    one, two = await make_client(**env), await make_client(**env)
    for client in (one, two, one):
        await _failed_from(client, "203.0.113.9")
    assert (await _failed_from(two, "203.0.113.9")).status == 429


async def test_a_logout_without_a_session_is_refused_not_followed(client: Client) -> None:
    forged = await client.post("/staff/logout", data={"csrf_token": "x"},
                               allow_redirects=False)
    assert forged.status == 403
    assert ("csrf.rejected", "denied", None) in await _actions(client)
