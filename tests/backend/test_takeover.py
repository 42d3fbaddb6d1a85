"""Live takeover from the case page: access, CSRF, audit, what Rasa and the person get."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.backend.keys import SESSIONS
from bot.backend.storage.models import AuditEntry, Handoff, StaffUser
from bot.backend.web.security_headers import LIVE_PAGE_POLICY

from .live_support import (
    GATEWAY_TOKEN,
    GatewayDouble,
    RasaDouble,
    gateway,  # noqa: F401 (fixture)
    live_settings_env,
    own_origin,
    rasa,  # noqa: F401 (fixture)
    say_hello,
)
from .support import (
    AUTH,
    Client,
    Clock,
    MakeClient,
    add_staff,
    csrf_token,
    ingest_handoff,
    login,
    submit,
)

SCRIPT = '<script>alert("x")</script>'


@dataclass
class Live:
    """A claimed case whose person is on the web chat right now."""

    client: Client
    widget: aiohttp.ClientWebSocketResponse
    sender: str
    case: str

    async def post(self, action: str, data: dict[str, str] | None = None,
                   json_reply: bool = False) -> aiohttp.ClientResponse:
        headers = {"Accept": "application/json"} if json_reply else {}
        return await submit(self.client, self.case, f"{self.case}/{action}", data,
                            allow_redirects=False, headers=headers)

    async def next_message(self) -> dict[str, Any]:
        while True:
            frame: dict[str, Any] = json.loads((await self.widget.receive(timeout=5)).data)
            if frame["type"] == "message":
                return frame


async def open_widget(client: Client) -> tuple[aiohttp.ClientWebSocketResponse, str]:
    socket = await client.ws_connect("/chat/ws", headers={"Origin": own_origin(client)})
    token = (await say_hello(socket))["session"]
    return socket, "web-" + token.split(".")[0]


async def claimed_case(client: Client, conversation_id: str, email: str = "ana@example.org",
                       role: str = "advisor", **fields: Any) -> str:
    handoff_id = await ingest_handoff(client, conversation_id, **fields)
    await add_staff(client.app, email, role=role)
    await login(client, email)
    case = f"/staff/cases/{handoff_id}"
    response = await submit(client, case, f"{case}/claim", allow_redirects=False)
    assert response.status == 303
    return case


@pytest.fixture
async def live(make_client: MakeClient, rasa: RasaDouble,
               gateway: GatewayDouble) -> AsyncIterator[Live]:
    client = await make_client(**live_settings_env(rasa, gateway))
    widget, sender = await open_widget(client)
    case = await claimed_case(client, sender, channel="widget")
    yield Live(client, widget, sender, case)


async def audit_log(client: Client) -> list[tuple[str, str, str | None]]:
    async with client.app[SESSIONS]() as session:
        rows = await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(row.action, row.outcome, row.detail) for row in rows]


async def taken_over(client: Client) -> bool:
    async with client.app[SESSIONS]() as session:
        return (await session.scalars(select(Handoff))).one().takeover_at is not None


async def test_taking_over_pauses_the_assistant_and_tells_the_person_by_first_name(
    live: Live, rasa: RasaDouble,
) -> None:
    response = await live.post("takeover", {"name": "Sam"})
    assert response.status == 303
    assert response.headers["Location"].endswith("?sent=delivered")
    assert rasa.slot(live.sender) is True
    [join] = rasa.said_by_staff(live.sender)
    assert join["text"].startswith("Sam, an advisor from the team, has joined the chat.")
    assert "call 999" in join["text"]
    assert join["metadata"] == {"takeover": "join", "staff_role": "advisor"}
    assert await live.next_message() == {"type": "message", "from": "notice",
                                         "text": join["text"], "buttons": []}
    assert await taken_over(live.client)
    page = await (await live.client.get(live.case + "?sent=delivered")).text()
    assert "Sent. They are connected" in page and "End takeover" in page
    assert "Release to the queue" not in page and ">Resolve<" not in page


async def test_without_a_name_the_person_hears_the_role_only(
    live: Live, rasa: RasaDouble,
) -> None:
    await live.post("takeover")
    [join] = rasa.said_by_staff(live.sender)
    assert join["text"].startswith("An advisor from the team has joined the chat.")
    assert "ana" not in join["text"] and "example.org" not in json.dumps(rasa.events)


@pytest.mark.parametrize("name", ["Sam Smith-Jones O'Neil Longer Than Thirty", "<b>Sam</b>",
                                  "sam@example.org", "Sam2", "'Sam"])
async def test_a_name_that_is_not_a_first_name_is_refused(
    live: Live, rasa: RasaDouble, name: str,
) -> None:
    response = await live.post("takeover", {"name": name})
    assert response.status == 422
    assert rasa.event_posts == 0 and not await taken_over(live.client)


async def test_staff_and_person_talk_both_ways(live: Live, rasa: RasaDouble) -> None:
    await live.post("takeover")
    await live.next_message()
    words = f"Hello, I'm here. {SCRIPT}\nTake your time."
    response = await live.post("reply", {"body": words}, json_reply=True)
    assert response.status == 200
    assert await response.json() == {"outcome": "delivered",
                                     "message": "Sent. They are connected and can see it."}
    assert await live.next_message() == {"type": "message", "from": "team", "text": words,
                                         "buttons": []}
    reply = rasa.said(live.sender)[-1]
    assert reply == {"event": "bot", "text": words, "timestamp": reply["timestamp"],
                     "metadata": {"takeover": "reply", "staff_role": "advisor"}}
    assert rasa.slot(live.sender) is True, "each reply keeps the assistant paused"

    page = await live.client.get(live.case)
    count = int(_attribute(await page.text(), "data-count"))
    await live.widget.send_json({"type": "message", "text": f"thank you {SCRIPT}"})
    feed = await _poll(live, count, lambda data: data["messages"])
    assert [m["text"] for m in feed["messages"]] == [f"thank you {SCRIPT}"]
    assert feed["messages"][0]["label"] == "Victim"
    assert feed["presence"] == "connected" and feed["taken_over"] is True
    html = await (await live.client.get(live.case)).text()
    assert SCRIPT not in html and "thank you &lt;script&gt;" in html
    assert "Staff (advisor)" in html


async def test_the_case_page_runs_only_its_own_script(live: Live) -> None:
    response = await live.client.get(live.case)
    html = await response.text()
    assert response.headers["Content-Security-Policy"] == LIVE_PAGE_POLICY
    assert "'unsafe-inline'" not in LIVE_PAGE_POLICY
    assert html.count("<script") == 1
    assert '<script src="/staff/static/live.js" defer></script>' in html
    assert live.sender not in html, "the conversation id stays off the page"
    script = await live.client.get("/staff/static/live.js")
    assert script.status == 200 and "innerHTML" not in await script.text()


async def test_messages_are_checked_before_anything_is_sent(
    live: Live, rasa: RasaDouble,
) -> None:
    assert (await live.post("reply", {"body": "too soon"})).status == 409
    await live.post("takeover")
    posts = rasa.event_posts
    for body in ("", "   ", "x" * 2001, "nul \x00", "bell \x07"):
        response = await live.post("reply", {"body": body}, json_reply=True)
        assert response.status == 422, body
        assert (await response.json())["message"].startswith("The message ")
    assert rasa.event_posts == posts
    assert (await live.post("reply", {"body": "y" * 2000})).status == 303


async def test_ending_the_takeover_brings_the_assistant_back(
    live: Live, rasa: RasaDouble,
) -> None:
    await live.post("takeover")
    await live.next_message()
    response = await live.post("end_takeover")
    assert response.status == 303 and response.headers["Location"].endswith("?sent=delivered")
    assert rasa.slot(live.sender) is False
    note = rasa.said(live.sender)[-1]
    assert note["metadata"] == {"takeover": "end", "staff_role": "advisor"}
    assert "automated assistant again" in (await live.next_message())["text"]
    assert not await taken_over(live.client)
    page = await (await live.client.get(live.case)).text()
    assert "Take over the conversation" in page and "Release to the queue" in page
    assert (await live.post("end_takeover")).status == 409


async def test_every_step_is_audited_without_words_or_ids(
    live: Live, rasa: RasaDouble,
) -> None:
    await live.post("takeover", {"name": "Sam"})
    await live.post("reply", {"body": "a private message"})
    await live.post("end_takeover")
    entries = [entry for entry in await audit_log(live.client)
               if entry[0].startswith(("case.takeover", "case.end", "takeover."))]
    assert entries == [
        ("case.takeover", "ok", None),
        ("takeover.notice", "ok", "delivery=delivered"),
        ("takeover.reply", "ok", "delivery=delivered"),
        ("case.end_takeover", "ok", None),
        ("takeover.notice", "ok", "delivery=delivered"),
    ]
    everything = json.dumps(await audit_log(live.client))
    assert "private message" not in everything and "Sam" not in everything
    assert live.sender not in everything


async def test_only_the_case_holder_speaks(live: Live, rasa: RasaDouble) -> None:
    await live.post("takeover")
    live.client.session.cookie_jar.clear()
    await add_staff(live.client.app, "ben@example.org")
    await login(live.client, "ben@example.org")
    queue = await live.client.get("/staff/queue")
    token = csrf_token(await queue.text())
    for action in ("reply", "end_takeover", "takeover"):
        response = await live.client.post(f"{live.case}/{action}",
                                          data={"csrf_token": token, "body": "hi"})
        assert response.status == 403, action
    assert (await live.client.get(f"{live.case}/live?after=0")).status == 403
    denied = [a for a, outcome, _ in await audit_log(live.client) if outcome == "denied"]
    assert denied == ["case.reply", "case.end_takeover", "case.takeover", "transcript.live"]
    assert rasa.slot(live.sender) is True, "nothing changed"


async def test_a_supervisor_watches_and_can_hand_the_conversation_to_someone(
    live: Live, rasa: RasaDouble,
) -> None:
    await live.post("takeover")
    live.client.session.cookie_jar.clear()
    await add_staff(live.client.app, "sue@example.org", role="supervisor")
    await login(live.client, "sue@example.org")
    page = await (await live.client.get(live.case)).text()
    assert "Live conversation" in page and 'action="' + live.case + '/reply"' not in page
    assert (await live.client.get(f"{live.case}/live?after=0")).status == 200
    assert (await live.post("reply", {"body": "hi"})).status == 403
    me = await _user_id(live.client, "sue@example.org")
    assert (await live.post("reassign", {"assignee": me})).status == 303
    assert await taken_over(live.client), "reassigning keeps the takeover"
    assert (await live.post("reply", {"body": "I'm taking over from my colleague."})
            ).headers["Location"].endswith("?sent=delivered")


async def test_release_and_resolve_wait_for_the_takeover_to_end(live: Live) -> None:
    await live.post("takeover")
    assert (await live.post("release")).status == 409
    assert (await live.post("resolve", {"outcome": "advice_given"})).status == 409
    assert (await live.post("takeover")).status == 409, "already taken over"


async def test_a_post_without_the_csrf_token_changes_nothing(
    live: Live, rasa: RasaDouble,
) -> None:
    for action in ("takeover", "reply", "end_takeover"):
        response = await live.client.post(f"{live.case}/{action}", data={"body": "x"})
        assert response.status == 403
    assert rasa.event_posts == 0 and not await taken_over(live.client)


async def test_when_rasa_is_down_nothing_is_taken_over(live: Live, rasa: RasaDouble) -> None:
    rasa.down = True
    response = await live.post("takeover")
    assert response.status == 503
    assert "could not be reached" in await response.text()
    assert not await taken_over(live.client)
    assert ("case.takeover", "failed", "delivery=none") in await audit_log(live.client)
    rasa.down = False
    assert (await live.post("takeover")).status == 303


async def test_a_paused_conversation_the_database_forgot_can_still_be_ended(
    live: Live, rasa: RasaDouble,
) -> None:
    rasa.events.setdefault(live.sender, []).append(
        {"event": "slot", "name": "human_takeover", "value": True, "timestamp": time.time()})
    page = await (await live.client.get(live.case)).text()
    assert "The assistant is paused" in page and "End takeover" in page
    assert "Take over the conversation" not in page
    assert (await live.post("end_takeover")).status == 303
    assert rasa.slot(live.sender) is False


async def test_quick_exit_shows_as_left_and_stops_staff_messages(
    live: Live, rasa: RasaDouble,
) -> None:
    await live.post("takeover")
    await live.next_message()
    await live.widget.send_json({"type": "left"})
    await live.widget.receive(timeout=5)
    feed = await _poll(live, 0, lambda data: data["presence"] == "left")
    assert "quick exit" in feed["presence_text"]
    posts = rasa.event_posts
    response = await live.post("reply", {"body": "are you still there?"}, json_reply=True)
    assert response.status == 409 and (await response.json())["outcome"] == "left"
    assert rasa.event_posts == posts, "nothing added for someone who left"
    page = await (await live.client.get(live.case)).text()
    assert "left the chat with quick exit" in page
    assert (await live.post("end_takeover")).headers["Location"].endswith("?sent=left")
    assert ("conversation.left", "ok", "via=widget") in await audit_log(live.client)


async def test_a_person_not_on_the_chat_is_shown_as_not_connected(
    live: Live, rasa: RasaDouble,
) -> None:
    await live.post("takeover")
    await live.widget.close()
    response = await live.post("reply", {"body": "hello?"}, json_reply=True)
    assert (await response.json())["outcome"] == "queued", "reconnecting: it waits"
    feed = await _poll(live, 0, lambda data: True)
    assert feed["presence"] == "away"


async def test_polling_does_not_keep_an_idle_session_alive(live: Live, clock: Clock) -> None:
    clock.advance(minutes=10)
    assert (await live.client.get(f"{live.case}/live?after=0")).status == 200
    clock.advance(minutes=6)
    response = await live.client.get(f"{live.case}/live?after=0", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/staff/login"


@pytest.mark.parametrize("after", ["-1", "x", "1e3", "٣", "9999999"])
async def test_a_bad_poll_cursor_is_refused(live: Live, after: str) -> None:
    assert (await live.client.get(f"{live.case}/live?after={after}")).status == 400


async def test_a_telegram_conversation_is_reached_through_the_gateway(
    make_client: MakeClient, rasa: RasaDouble, gateway: GatewayDouble,
) -> None:
    client = await make_client(**live_settings_env(rasa, gateway))
    gateway.known.add("tg-abc")
    case = await claimed_case(client, "tg-abc", channel="telegram", jurisdiction="AU")
    response = await submit(client, case, f"{case}/takeover", {"name": "Jo"},
                            allow_redirects=False)
    assert response.headers["Location"].endswith("?sent=delivered")
    assert gateway.authorizations == [f"Bearer {GATEWAY_TOKEN}"]
    assert gateway.received[0]["conversation_id"] == "tg-abc"
    assert gateway.received[0]["text"].startswith("Jo, an advisor from the team, has joined")
    assert "call 000" in gateway.received[0]["text"], "the emergency number where they live"
    page = await (await client.get(case)).text()
    assert "On Telegram" in page

    left = await client.post("/api/v1/conversations/tg-abc/left", headers=AUTH)
    assert left.status == 204
    response = await submit(client, case, f"{case}/reply", {"body": "still there?"},
                            allow_redirects=False)
    assert response.headers["Location"].endswith("?sent=left")
    assert len(gateway.received) == 1, "nothing sent after /clear"
    assert "cleared or deleted the Telegram chat" in await (await client.get(case)).text()

    rasa.add_user_message("tg-abc", "sorry, I'm back")
    response = await submit(client, case, f"{case}/reply", {"body": "welcome back"},
                            allow_redirects=False)
    assert response.headers["Location"].endswith("?sent=delivered")
    assert gateway.received[-1] == {"conversation_id": "tg-abc", "text": "welcome back"}


async def test_a_conversation_the_gateway_does_not_know_is_not_connected(
    make_client: MakeClient, rasa: RasaDouble, gateway: GatewayDouble,
) -> None:
    client = await make_client(**live_settings_env(rasa, gateway))
    case = await claimed_case(client, "tg-unknown", channel="telegram")
    response = await submit(client, case, f"{case}/takeover", allow_redirects=False)
    assert response.headers["Location"].endswith("?sent=not_connected")
    page = await (await client.get(response.headers["Location"])).text()
    assert "Not connected" in page


async def test_a_person_who_blocked_the_bot_is_shown_as_left(
    make_client: MakeClient, rasa: RasaDouble, gateway: GatewayDouble,
) -> None:
    client = await make_client(**live_settings_env(rasa, gateway))
    gateway.blocked.add("tg-blocked")
    case = await claimed_case(client, "tg-blocked", channel="telegram")
    response = await submit(client, case, f"{case}/takeover", allow_redirects=False)
    assert response.headers["Location"].endswith("?sent=left")
    page = await (await client.get(response.headers["Location"])).text()
    assert "They left the conversation" in page


async def test_without_a_gateway_telegram_replies_say_so(
    make_client: MakeClient, rasa: RasaDouble,
) -> None:
    client = await make_client(**live_settings_env(rasa))
    case = await claimed_case(client, "tg-abc", channel="telegram")
    response = await submit(client, case, f"{case}/takeover", allow_redirects=False)
    assert response.headers["Location"].endswith("?sent=not_configured")


async def test_other_channels_have_no_live_section(
    make_client: MakeClient, rasa: RasaDouble,
) -> None:
    client = await make_client(**live_settings_env(rasa))
    case = await claimed_case(client, "socketio-abc")
    response = await client.get(case)
    html = await response.text()
    assert "Live conversation" not in html and "<script" not in html
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert (await submit(client, case, f"{case}/takeover")).status == 409


async def test_the_left_endpoint_needs_the_service_token(
    make_client: MakeClient, rasa: RasaDouble,
) -> None:
    client = await make_client(**live_settings_env(rasa))
    assert (await client.post("/api/v1/conversations/tg-x/left")).status == 401
    assert (await client.post("/api/v1/conversations/tg-nobody/left", headers=AUTH)
            ).status == 204
    too_long = "tg-" + "x" * 200
    assert (await client.post(f"/api/v1/conversations/{too_long}/left", headers=AUTH)
            ).status == 400


async def _poll(live: Live, after: int, ready: Any) -> dict[str, Any]:
    for _ in range(50):
        response = await live.client.get(f"{live.case}/live?after={after}")
        assert response.status == 200
        data: dict[str, Any] = await response.json()
        if ready(data):
            return data
        await asyncio.sleep(0.1)
    raise AssertionError("the live feed never showed it")


async def _user_id(client: Client, email: str) -> str:
    async with client.app[SESSIONS]() as session:
        return str((await session.scalars(
            select(StaffUser.id).where(StaffUser.email == email))).one())


def _attribute(html: str, name: str) -> str:
    start = html.index(f'{name}="') + len(name) + 2
    return html[start:html.index('"', start)]
