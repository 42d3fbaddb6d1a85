"""Live takeover end to end: a person on the widget asks for someone from the team, an
advisor signs in to the dashboard in a browser of their own, claims the case, joins the
chat, talks with them and hands back to the assistant; then the person leaves with quick
exit and the case page says so. Real Rasa, action server (its outbox delivers the
handoff), backend and Chromium throughout."""

from __future__ import annotations

import time
import uuid

from playwright.sync_api import Browser, Page, expect

from .conftest import EXIT_URL, STAFF_EMAIL, STAFF_PASSWORD, Site, Watch, guard, watched_page
from .widget_page import REPLY_TIMEOUT_MS, Widget

HANDOFF_DELIVERY_SECONDS = 30  # the action server's outbox relays in the background
LIVE_POLL_MS = 15_000  # the case page polls every 2 s


def ask_for_a_person(widget: Widget, note: str) -> None:
    """The handoff form, as in data/stories: consent, reply here, any time, a note, send."""
    widget.say("I want to talk to a person")
    widget.wait_for("pass a short note to the charity's team")
    widget.choose("Yes, please")
    widget.wait_for("What's a safe way for them to reach you?")
    widget.choose("Reply here in this chat")
    widget.wait_for("When is it safe to contact you?")
    widget.choose("Any time")
    widget.wait_for("what would you like the team to know?")
    widget.say(note)
    widget.wait_for("Shall I send it?")
    widget.choose("Yes, send it")
    widget.wait_for("passed your note to the team")


def sign_in(staff: Page, site: Site) -> None:
    staff.goto(f"{site.backend}/staff/login")
    staff.get_by_label("Email").fill(STAFF_EMAIL)
    staff.get_by_label("Password").fill(STAFF_PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    expect(staff.get_by_role("heading", name="Handoff queue")).to_be_visible()


def open_case_with(staff: Page, site: Site, note: str) -> None:
    """Opens the queued case whose approved note is `note`, once the outbox delivered it."""
    deadline = time.monotonic() + HANDOFF_DELIVERY_SECONDS
    while time.monotonic() < deadline:
        staff.goto(f"{site.backend}/staff/queue")
        cases = staff.get_by_role("link", name="Open case")
        for href in [cases.nth(i).get_attribute("href") for i in range(cases.count())]:
            staff.goto(f"{site.backend}{href}")
            if staff.locator(".summary").inner_text() == note:
                return
        time.sleep(1)
    raise AssertionError(f"the handoff did not reach the queue in {HANDOFF_DELIVERY_SECONDS} s")


def test_an_advisor_takes_over_the_chat_and_hands_it_back(
    browser: Browser, page: Page, site: Site, watch: Watch,
) -> None:
    note = f"Fake pictures of me are on a forum ({uuid.uuid4().hex[:8]})"
    page.goto(f"{site.backend}/demo")
    widget = Widget(page)
    widget.welcome()
    ask_for_a_person(widget, note)

    staff_context = browser.new_context()
    guard(staff_context, site, watch)
    try:
        staff = watched_page(staff_context, watch)
        sign_in(staff, site)
        open_case_with(staff, site, note)
        staff.get_by_role("button", name="Claim").click()
        expect(staff.locator("p.status")).to_contain_text("Status: Claimed")
        presence = staff.locator("#live-presence")
        expect(presence).to_have_text("They are on the web chat now.")

        # Joining: the person is told, by first name, with the emergency number.
        staff.get_by_label("Your first name").fill("Sam")
        staff.get_by_role("button", name="Take over the conversation").click()
        expect(staff.locator("#live-sent")).to_have_text(
            "Sent. They are connected and can see it.")
        widget.wait_for("Sam, an advisor from the team, has joined the chat. You're talking "
                        "to a person now. If you're in danger, call 999.")

        # The person writes: it shows on the case page, and the assistant stays quiet.
        answers = widget.log.locator(".assistant").count()
        widget.say("thank you, is this a real person?")
        transcript = staff.locator("#transcript li")
        expect(transcript.last).to_contain_text("thank you, is this a real person?",
                                                timeout=LIVE_POLL_MS)
        expect(transcript.last.locator(".meta")).to_contain_text("Victim")
        page.wait_for_timeout(2000)  # time enough for any reply to have arrived
        expect(widget.log.locator(".assistant")).to_have_count(answers)
        expect(transcript.last).to_contain_text("thank you, is this a real person?")

        # The advisor answers from the case page (live.js posts it without a reload).
        words = "Yes, I'm Sam from the team. Take your time."
        staff.get_by_label("Message to them").fill(words)
        staff.locator("#live-reply").get_by_role("button", name="Send").click()
        expect(staff.locator("#live-sent")).to_have_text(
            "Sent. They are connected and can see it.")
        reply = widget.log.locator(".team").last
        expect(reply).to_have_text(f"From the team: {words}", timeout=REPLY_TIMEOUT_MS)
        expect(reply.locator(".who")).to_be_visible()  # a person, labelled on screen
        expect(widget.log.locator(".assistant")).to_have_count(answers)

        # Ending the takeover: the person is told, and the assistant answers again.
        staff.get_by_role("button", name="End takeover").click()
        expect(staff.get_by_role("button", name="Take over the conversation")).to_be_visible()
        widget.wait_for("You're talking to the automated assistant again")
        widget.say("how do i get the pictures taken down")
        widget.wait_for("Which site or app are they on?")
        assert widget.log.locator(".assistant").count() > answers

        # Quick exit: the case page's live section says they left.
        widget.exit.click()
        expect(page).to_have_url(EXIT_URL)
        expect(presence).to_contain_text("They left the chat with quick exit",
                                         timeout=LIVE_POLL_MS)
        staff.reload()
        expect(presence).to_contain_text("They left the chat with quick exit")
    finally:
        staff_context.close()
