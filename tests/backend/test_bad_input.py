"""Bad input anywhere gets a clear 4xx, writes nothing, and never becomes a 500."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bot.backend.storage.models import AppliedEvent, AuditEntry, Handoff, Referral

from .support import (
    AUTH,
    Client,
    add_staff,
    count,
    handoff_event,
    login,
    referral_event,
)

pytestmark = pytest.mark.asyncio
JSON_HEADERS = {**AUTH, "Content-Type": "application/json"}


def _with(**fields: Any) -> bytes:
    return json.dumps(referral_event(**fields)).encode()


def _handoff_with(**fields: Any) -> bytes:
    event = handoff_event()
    event["handoff"].update(fields)
    return json.dumps(event).encode()


def _without(key: str) -> bytes:
    event = referral_event()
    del event[key]
    return json.dumps(event).encode()


FUTURE = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()

BAD_BODIES: dict[str, tuple[bytes, int, str]] = {
    "empty": (b"", 400, "malformed_json"),
    "malformed": (b'{"id": ', 400, "malformed_json"),
    "not an object": (b"[1, 2]", 422, "invalid"),
    "null": (b"null", 422, "invalid"),
    "deep nesting": (b"[" * 50_000 + b"]" * 50_000, 413, "too_large"),
    "moderate nesting": (b"[" * 20_000 + b"]" * 20_000, 400, "malformed_json"),
    "NaN": (_with(consent=False).replace(b'"consent": false', b'"consent": NaN'), 400,
            "malformed_json"),
    "duplicate key": (_with().replace(b'"kind": "referral"',
                                      b'"kind": "referral", "kind": "handoff"'),
                      400, "malformed_json"),
    "invalid UTF-8": (_with(conversation_id="cafX").replace(b"cafX", b"caf\xe9"), 400,
                      "invalid_utf8"),
    "oversized": (b'{"pad": "' + b"x" * 70_000 + b'"}', 413, "too_large"),
    "missing field": (_without("channel"), 422, "invalid"),
    "unknown field": (_with(extra=1), 422, "invalid"),
    "id not a UUID": (_with(id="not-a-uuid"), 422, "invalid"),
    "id a number": (_with(id=42), 422, "invalid"),
    "id not version 4": (_with(id="6fa459ea-ee8a-3ca4-894e-db77e160355e"), 422, "invalid"),
    "unknown kind": (_with(kind="complaint"), 422, "invalid"),
    "unknown channel": (_with(channel="fax"), 422, "invalid"),
    "unknown jurisdiction": (_with(jurisdiction="FR"), 422, "invalid"),
    "jurisdiction as the string null": (_with(jurisdiction="null"), 422, "invalid"),
    "unknown risk flag": (_with(risk_flags=["crisis", "bored"]), 422, "invalid"),
    "risk flags not a list": (_with(risk_flags="crisis"), 422, "invalid"),
    "route not a string": (_with(routes_offered=[1]), 422, "invalid"),
    "too many services": (_with(services_offered=[f"s{n}" for n in range(51)]), 422,
                          "invalid"),
    "service id too long": (_with(services_offered=["s" * 41]), 422, "invalid"),
    "service id with markup": (_with(services_offered=["<b>x</b>"]), 422, "invalid"),
    "too many platforms": (_with(platforms=[f"p{n}" for n in range(21)]), 422, "invalid"),
    "consent as a string": (_with(consent="true"), 422, "invalid"),
    "consent as a number": (_with(consent=1), 422, "invalid"),
    "consent without a time": (_with(consent=True, consent_at=None), 422, "invalid"),
    "time without a timezone": (_with(created_at="2026-11-20T10:00:00"), 422, "invalid"),
    "time that is not a time": (_with(created_at="yesterday"), 422, "invalid"),
    "time in the future": (_with(created_at=FUTURE), 422, "invalid"),
    "conversation id too long": (_with(conversation_id="c" * 129), 422, "invalid"),
    "conversation id empty": (_with(conversation_id=""), 422, "invalid"),
    "conversation id with NUL": (_with(conversation_id="conv\u0000"), 422, "invalid"),
    "conversation id with a newline": (_with(conversation_id="conv\n1"), 422, "invalid"),
    "handoff on a referral": (_with(handoff={"summary": "x", "contact_method": "chat",
                                             "contact_details": None, "safe_time": "now"}),
                              422, "invalid"),
    "handoff without consent": (json.dumps(handoff_event(consent=False, consent_at=None))
                                .encode(), 422, "invalid"),
    "handoff kind without a handoff": (json.dumps(handoff_event(handoff=None)).encode(), 422,
                                       "invalid"),
    "summary with NUL": (_handoff_with(summary="help\u0000me"), 422, "invalid"),
    "summary with a lone surrogate": (_handoff_with(summary="x").replace(
        b'"summary": "x"', b'"summary": "\\ud800"'), 422, "invalid"),
    "summary with an escape code": (_handoff_with(summary="\u001b[31mred"), 422, "invalid"),
    "summary too long": (_handoff_with(summary="x" * 1001), 422, "invalid"),
    "summary blank": (_handoff_with(summary="   "), 422, "invalid"),
    "contact details too long": (_handoff_with(contact_details="x" * 201), 422, "invalid"),
    "unknown contact method": (_handoff_with(contact_method="pigeon"), 422, "invalid"),
    "unknown handoff field": (_handoff_with(address="1 High St"), 422, "invalid"),
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
async def test_bad_events_are_refused_and_write_nothing(client: Client, name: str) -> None:
    body, status, code = BAD_BODIES[name]
    response = await client.post("/api/v1/events", data=body, headers=JSON_HEADERS)
    assert response.status == status, await response.text()
    error = await response.json()
    assert error["error"] == code
    assert error["message"]
    for model in (Referral, Handoff, AppliedEvent, AuditEntry):
        assert await count(client.app, model) == 0


async def test_validation_errors_name_the_field(client: Client) -> None:
    response = await client.post("/api/v1/events", data=_handoff_with(summary="x" * 1001),
                                 headers=JSON_HEADERS)
    assert await response.json() == {"error": "invalid", "field": "handoff.summary",
                                     "message": "must be at most 1000 characters"}


async def test_a_body_that_is_not_json_is_unsupported(client: Client) -> None:
    response = await client.post("/api/v1/events", data=b"id=1", headers={
        **AUTH, "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 415


@pytest.mark.parametrize("path", ["c" * 129, "conv%00", "conv%0A1", "%20"])
async def test_bad_conversation_ids_in_urls_are_refused(client: Client, path: str) -> None:
    erase = await client.delete(f"/api/v1/conversations/{path}", headers=AUTH)
    withdraw = await client.post(f"/api/v1/conversations/{path}/withdraw", headers=AUTH)
    assert (erase.status, withdraw.status) == (400, 400)
    assert (await erase.json())["error"] == "invalid"


async def test_unknown_routes_and_methods_answer_in_json(client: Client) -> None:
    missing = await client.get("/api/v1/nothing-here", headers=AUTH)
    wrong_method = await client.get("/api/v1/events", headers=AUTH)
    assert missing.status == 404
    assert (await missing.json())["error"] == "not_found"
    assert wrong_method.status == 405
    assert "POST" in wrong_method.headers["Allow"]


async def test_withdrawing_an_unknown_conversation_is_not_found(client: Client) -> None:
    response = await client.post("/api/v1/conversations/never-seen/withdraw", headers=AUTH)
    assert response.status == 404
    assert (await response.json())["error"] == "not_found"


async def test_bad_staff_forms_are_refused(client: Client) -> None:
    await login(client, "nobody@example.org")
    invalid_utf8 = await client.post("/staff/login", data=b"email=%ff%fe&password=x",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    repeated = await client.post("/staff/login", data=b"email=a&email=b",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    not_a_form = await client.post("/staff/login", data=b"{}",
                                   headers={"Content-Type": "application/json"})
    huge = await client.post("/staff/login", data=b"email=" + b"a" * 70_000,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert [r.status for r in (invalid_utf8, repeated, not_a_form, huge)] == [400, 400, 415, 413]
    assert "text/html" in invalid_utf8.headers["Content-Type"]


@pytest.mark.parametrize(("path", "status"), [
    ("/staff/cases/not-a-uuid", 404), ("/staff/cases/%00", 404),
    ("/staff/cases/6fa459ea-ee8a-4ca4-894e-db77e160355e", 404),
    ("/staff/queue?page=%C2%B2", 200), ("/staff/queue?page=-1", 200),
    ("/staff/queue?page=99999999999", 200), ("/staff/queue?view=%00", 200),
    ("/staff/stats?weeks=%00", 200), ("/staff/stats?weeks=100000", 200),
    ("/staff/nowhere", 404),
])
async def test_odd_staff_urls_never_fail(client: Client, path: str, status: int) -> None:
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    response = await client.get(path, allow_redirects=False)
    assert response.status == status
