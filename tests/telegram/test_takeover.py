"""Live takeover end to end on Telegram: a person asks for someone from the team in the
chat, an advisor signs in to the dashboard (over HTTP, with its CSRF tokens), claims the
case, joins, reads the person's message in the live transcript, answers through the
gateway's internal API, hands back to the assistant; /clear then shows on the case page.

The real backend, Rasa, action server and polling gateway of conftest.py; the backend
reaches the gateway at TELEGRAM_GATEWAY_URL with TELEGRAM_INTERNAL_TOKEN (the session's
shared environment sets both).
"""

from __future__ import annotations

import http.cookiejar
import json
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from typing import Any

import pytest

from bot.backend.staff.case.notices import END_TEXT
from bot.tools import stack as stack_tools
from tests.backend.support import csrf_token
from tests.telegram.fake_bot_api import FakeChat, joined

STAFF_EMAIL = "jo.telegram@example.org"
STAFF_PASSWORD = "correct horse battery staple"
HANDOFF_DELIVERY_SECONDS = 30  # the action server's outbox relays in the background


class Dashboard:
    """A staff member's browser, reduced to what the forms need: cookies and CSRF tokens."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[str, str]:
        """The final address (after redirects) and the page."""
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def submit(self, page: str, action: str, form: dict[str, str] | None = None,
               json_reply: bool = False) -> tuple[str, str]:
        """Opens `page` for its CSRF token and posts the form to `action`."""
        _, html = self.get(page)
        body = urllib.parse.urlencode({"csrf_token": csrf_token(html), **(form or {})})
        request = urllib.request.Request(
            self.base + action, data=body.encode(), method="POST",
            headers={"Accept": "application/json"} if json_reply else {})
        with self.opener.open(request, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def live(self, case: str, after: int = 0) -> dict[str, Any]:
        _, body = self.get(f"{case}/live?after={after}")
        return json.loads(body)


@pytest.fixture(scope="module")
def dashboard(servers) -> Dashboard:
    """An advisor (no TOTP: only admins need it), signed in."""
    result = subprocess.run(
        [str(stack_tools.SVC_PY), "-m", "bot.backend.ops.create_staff_user",
         "--email", STAFF_EMAIL, "--role", "advisor"],
        input=STAFF_PASSWORD + "\n", env=servers.env, cwd=str(stack_tools.ROOT),
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    board = Dashboard(servers.backend)
    landed, page = board.submit("/staff/login", "/staff/login",
                                {"email": STAFF_EMAIL, "password": STAFF_PASSWORD})
    assert landed.endswith("/staff/queue") and "Handoff queue" in page
    return board


def ask_for_a_person(chat: FakeChat, note: str) -> None:
    """The handoff form, with the buttons: consent, reply here, any time, a note, send."""
    chat.say("/start")
    assert "pass a short note to the charity's team" in chat.say("I want to talk to a person")
    assert "safe way for them to reach you" in joined(chat.after(
        lambda: chat.press("Yes, please")))
    assert "When is it safe" in joined(chat.after(lambda: chat.press("Reply here in this chat")))
    assert "what would you like the team to know" in joined(chat.after(
        lambda: chat.press("Any time")))
    assert "Shall I send it?" in chat.say(note)
    assert "passed your note to the team" in joined(chat.after(
        lambda: chat.press("Yes, send it")))


def case_with(board: Dashboard, note: str) -> str:
    """The path of the queued case whose approved note is `note`."""
    deadline = time.monotonic() + HANDOFF_DELIVERY_SECONDS
    while time.monotonic() < deadline:
        _, queue = board.get("/staff/queue")
        for case in sorted(set(_links(queue))):
            if f'<p class="summary">{note}</p>' in board.get(case)[1]:
                return case
        time.sleep(1)
    raise AssertionError(f"the handoff did not reach the queue in {HANDOFF_DELIVERY_SECONDS} s")


def _links(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('href="')[1:]
            if part.startswith("/staff/cases/")]


def live_until(board: Dashboard, case: str, ready: Any, timeout: float = 20.0
               ) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        feed = board.live(case)
        if ready(feed) or time.monotonic() > deadline:
            return feed
        time.sleep(0.5)


def test_an_advisor_takes_over_the_telegram_chat_and_hands_it_back(
        polling, dashboard):
    chat = polling.new_chat()
    note = f"Fakes of me are on a forum ({uuid.uuid4().hex[:8]})"
    ask_for_a_person(chat, note)
    case = case_with(dashboard, note)
    _, page = dashboard.submit(case, f"{case}/claim")
    assert "Status: <strong>Claimed</strong>" in page and "On Telegram" in page

    # Joining: the person gets the notice as a Telegram message, with the emergency number.
    result: list[tuple[str, str]] = []
    [join] = chat.after(lambda: result.append(
        dashboard.submit(case, f"{case}/takeover", {"name": "Jo"})))
    assert result[0][0].endswith("?sent=delivered")
    assert join.text == ("Jo, an advisor from the team, has joined the chat. You're talking "
                         "to a person now. If you're in danger, call 999.")
    assert join.buttons == []

    # The person writes: it is in the live transcript, and the assistant stays quiet.
    before = len(chat.bot_messages())
    chat.send("thank you, is this a real person?")
    feed = live_until(dashboard, case, lambda f: any(
        m["text"] == "thank you, is this a real person?" for m in f["messages"]))
    [said] = [m for m in feed["messages"] if m["text"] == "thank you, is this a real person?"]
    assert said["label"] == "Victim" and feed["messages"][-1] == said
    assert feed["taken_over"] is True and feed["presence"] == "telegram"
    time.sleep(2)  # time enough for any reply to have been sent
    assert len(chat.bot_messages()) == before, "the assistant stays quiet"

    # The advisor's reply goes out as a sendMessage to this chat, exactly as written.
    words = "Yes, I'm Jo from the team. Take your time, there's no rush."
    answer: list[tuple[str, str]] = []
    [sent] = chat.after(lambda: answer.append(
        dashboard.submit(case, f"{case}/reply", {"body": words}, json_reply=True)))
    assert json.loads(answer[0][1]) == {"outcome": "delivered",
                                        "message": "Sent. They are connected and can see it."}
    assert sent.text == words
    assert polling.bot.calls_to("sendMessage", chat.id)[-1].params["text"] == words
    assert live_until(dashboard, case, lambda f: f["messages"][-1]["text"] == words
                      )["messages"][-1]["label"] == "Staff (advisor)"

    # Ending the takeover: the person is told, and the assistant answers again.
    ended: list[tuple[str, str]] = []
    [back] = chat.after(lambda: ended.append(dashboard.submit(case, f"{case}/end_takeover")))
    assert ended[0][0].endswith("?sent=delivered") and back.text == END_TEXT
    assert "Take over the conversation" in ended[0][1]
    assert "Which site or app are they on?" in chat.say("how do i get the pictures taken down")

    # /clear deletes the chat, and the case page shows they left.
    chat.after(lambda: chat.send("/clear"))
    assert join.deleted and sent.deleted
    feed = live_until(dashboard, case, lambda f: f["presence"] == "left")
    assert feed["presence"] == "left"
    assert feed["presence_text"].startswith("They cleared or deleted the Telegram chat at ")
    assert "They cleared or deleted the Telegram chat" in dashboard.get(case)[1]
