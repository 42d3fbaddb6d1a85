"""Security headers on every response (ASVS 14.4), whatever produced it."""

from __future__ import annotations

import pytest

from bot.backend.web.security_headers import CONTENT_SECURITY_POLICY

from .support import AUTH, Client, add_staff, login

pytestmark = pytest.mark.asyncio


def _assert_headers(response: object, secure: bool = False) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src" not in headers["Content-Security-Policy"], "default-src 'none' covers it"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-XSS-Protection"] == "0", "the old auditor off (make scan, docs/security.md)"
    assert ("Strict-Transport-Security" in headers) is secure


@pytest.mark.parametrize(("method", "path", "headers"), [
    ("GET", "/healthz", {}),
    ("GET", "/nowhere", {}),
    ("POST", "/api/v1/events", {}),
    ("POST", "/api/v1/events", AUTH),
    ("DELETE", "/api/v1/conversations/x", AUTH),
    ("GET", "/staff/login", {}),
    ("GET", "/staff/queue", {}),
    ("GET", "/staff/static/staff.css", {}),
    ("GET", "/staff/static/missing.css", {}),
    ("POST", "/staff/login", {}),
])
async def test_every_response_carries_the_headers(
    client: Client, method: str, path: str, headers: dict[str, str],
) -> None:
    response = await client.request(method, path, headers=headers, allow_redirects=False)
    _assert_headers(response)


async def test_signed_in_pages_and_exports_carry_them(client: Client) -> None:
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    for path in ("/staff/queue", "/staff/stats", "/staff/stats.csv", "/staff/cases/x"):
        _assert_headers(await client.get(path))


async def test_hsts_is_sent_behind_tls(client: Client) -> None:
    _assert_headers(await client.get("/healthz", headers={"Host": "staff.example.org"}),
                    secure=True)
    _assert_headers(await client.get("/healthz", headers={"Host": "localhost:8080"}))


async def test_healthz_needs_no_login(client: Client) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_pages_load_nothing_from_elsewhere_and_run_no_script(client: Client) -> None:
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    for path in ("/staff/login", "/staff/queue", "/staff/stats"):
        html = (await (await client.get(path)).text()).lower()
        assert "<script" not in html
        assert " style=" not in html
        assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "https://" not in html
