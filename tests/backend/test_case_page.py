"""The case page: referral, approved summary, notes, the transcript from Rasa, the workflow."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.backend.keys import SESSIONS
from bot.backend.storage.models import AuditEntry, Handoff

from .support import Client, FakeRasa, MakeClient, add_staff, ingest_handoff, login, submit

pytestmark = pytest.mark.asyncio
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
CONVERSATION = "socketio-secret-sender-7d2f"


def _events(now: dt.datetime) -> list[dict[str, object]]:
    at = now.timestamp()
    return [
        {"event": "action", "name": "action_session_start", "timestamp": at - 30},
        {"event": "user", "text": f"help {SCRIPT}", "timestamp": at - 20,
         "parse_data": {"intent": {"name": "request_human"}}},
        {"event": "slot", "name": "contact", "value": "sam@example.org", "timestamp": at - 15},
        {"event": "bot", "text": "I can ask a person to contact you.", "timestamp": at - 10},
        {"event": "user", "text": None, "timestamp": at - 5},
    ]


async def _open_case(make_client: MakeClient, fake_rasa: FakeRasa, **env: str) -> tuple[
    Client, str
]:
    client = await make_client(**{"RASA_URL": fake_rasa.url, **env})
    handoff_id = await ingest_handoff(client, CONVERSATION, summary=f"Summary {SCRIPT}",
                                      contact_details=f"{SCRIPT}@example.org")
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    return client, f"/staff/cases/{handoff_id}"


async def test_the_transcript_is_shown_as_escaped_text(
    make_client: MakeClient, fake_rasa: FakeRasa,
) -> None:
    fake_rasa.trackers[CONVERSATION] = _events(dt.datetime.now(dt.UTC))
    client, case = await _open_case(make_client, fake_rasa)
    html = await (await client.get(case)).text()
    assert f"help {ESCAPED}" in html
    assert f"Summary {ESCAPED}" in html
    assert SCRIPT not in html
    assert "<script" not in html.lower()
    assert "I can ask a person to contact you." in html
    assert "request_human" not in html and "action_session_start" not in html, "no internals"
    assert CONVERSATION not in html, "the sender id is a secret on some channels"
    assert fake_rasa.requests == [CONVERSATION]


async def test_a_note_with_markup_is_shown_as_text(
    make_client: MakeClient, fake_rasa: FakeRasa,
) -> None:
    client, case = await _open_case(make_client, fake_rasa)
    await submit(client, case, f"{case}/claim")
    await submit(client, case, f"{case}/note", {"body": SCRIPT})
    html = await (await client.get(case)).text()
    assert ESCAPED in html
    assert SCRIPT not in html


@pytest.mark.parametrize(("env", "message"), [
    ({"RASA_URL": "http://127.0.0.1:9"}, "could not be reached"),
    ({"RASA_TOKEN": "wrong-token-Pz8Kq3Wm6Xv1Bn4Rt7Yc2Hd5"}, "refused our token"),
    ({"RASA_TOKEN": ""}, "not configured"),
])
async def test_the_page_explains_a_missing_transcript(
    make_client: MakeClient, fake_rasa: FakeRasa, env: dict[str, str], message: str,
) -> None:
    client, case = await _open_case(make_client, fake_rasa, **env)
    response = await client.get(case)
    assert response.status == 200
    html = await response.text()
    assert message in html
    assert "Summary" in html, "the rest of the case is still shown"


async def test_claim_note_start_and_resolve(make_client: MakeClient, fake_rasa: FakeRasa) -> None:
    client, case = await _open_case(make_client, fake_rasa)
    for action, form in (("claim", {}), ("note", {"body": "Emailed at 18:05."}),
                         ("start", {}), ("resolve", {"outcome": "takedown_achieved"})):
        response = await submit(client, case, f"{case}/{action}", form)
        assert response.status == 200, action
        assert response.url.path == case
    html = await (await client.get(case)).text()
    assert "Resolved" in html and "Takedown achieved" in html and "Emailed at 18:05." in html
    async with client.app[SESSIONS]() as session:
        handoff = (await session.scalars(select(Handoff))).one()
        actions = [row.action for row in await session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "handoff")
            .order_by(AuditEntry.id))]
    assert (handoff.status, handoff.outcome) == ("resolved", "takedown_achieved")
    assert handoff.closed_at is not None
    views = ("case.view", "transcript.view")
    changes = [action for action in actions if action not in views]
    assert changes == ["handoff.created", "case.claim", "case.note", "case.start",
                       "case.resolve"]
    # Each action: the page it was sent from, and the page after the redirect; then one more.
    assert actions.count("case.view") == actions.count("transcript.view") == 9


async def test_viewing_a_transcript_is_audited(make_client: MakeClient,
                                               fake_rasa: FakeRasa) -> None:
    fake_rasa.trackers[CONVERSATION] = _events(dt.datetime.now(dt.UTC))
    client, case = await _open_case(make_client, fake_rasa)
    await client.get(case)
    async with client.app[SESSIONS]() as session:
        actions = [row.action for row in await session.scalars(select(AuditEntry))]
    assert "transcript.view" in actions


@pytest.mark.parametrize(("steps", "status"), [
    (["resolve"], 409), (["start"], 409), (["note"], 409), (["claim", "claim"], 409),
    (["claim", "release", "release"], 409), (["claim", "resolve", "note"], 409),
    (["reassign"], 403),
])
async def test_actions_out_of_order_are_refused(
    make_client: MakeClient, fake_rasa: FakeRasa, steps: list[str], status: int,
) -> None:
    client, case = await _open_case(make_client, fake_rasa)
    forms = {"resolve": {"outcome": "advice_given"}, "note": {"body": "x"}}
    responses = [await submit(client, case, f"{case}/{step}", forms.get(step, {}))
                 for step in steps]
    assert responses[-1].status == status


async def test_bad_form_values_are_refused(make_client: MakeClient, fake_rasa: FakeRasa) -> None:
    client, case = await _open_case(make_client, fake_rasa)
    await submit(client, case, f"{case}/claim")
    unknown_outcome = await submit(client, case, f"{case}/resolve", {"outcome": "vanished"})
    empty_note = await submit(client, case, f"{case}/note", {"body": "  "})
    nul_note = await submit(client, case, f"{case}/note", {"body": "a\x00b"})
    long_note = await submit(client, case, f"{case}/note", {"body": "x" * 4001})
    assert unknown_outcome.status == 409
    assert [r.status for r in (empty_note, nul_note, long_note)] == [422, 422, 422]
    async with client.app[SESSIONS]() as session:
        assert (await session.scalars(select(Handoff))).one().status == "claimed"
