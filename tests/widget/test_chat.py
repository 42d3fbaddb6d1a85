"""The widget in Debian's Chromium against the real Rasa, actions and backend: talking,
buttons, reconnecting, the demo page's strict policy and another site's."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Browser, Page, expect

from .conftest import Site, Watch, guard, watched_page
from .widget_page import Widget


def test_the_assistant_welcomes_the_person_and_answers(page: Page, site: Site) -> None:
    page.goto(f"{site.backend}/demo")
    widget = Widget(page)
    widget.welcome()
    expect(widget.log).to_contain_text("not a person")
    expect(widget.log).to_contain_text("press Exit or press Shift three times")
    expect(widget.log).to_contain_text("can't clear your browser history")
    widget.say("how do i get the pictures taken down")
    widget.wait_for("Which site or app are they on?")
    expect(widget.log.get_by_text("how do i get the pictures taken down")).to_be_visible()


def test_a_button_sends_its_payload_and_shows_its_title(page: Page, site: Site) -> None:
    page.goto(f"{site.backend}/demo")
    widget = Widget(page)
    widget.welcome()
    widget.choose("Get images taken down")
    widget.wait_for("Which site or app are they on?")
    expect(widget.log).to_contain_text("Get images taken down")
    expect(widget.log).not_to_contain_text("/ask_takedown")


def test_links_open_safely_and_markup_stays_text(page: Page, site: Site) -> None:
    page.goto(f"{site.backend}/demo")
    widget = Widget(page)
    widget.welcome()
    widget.say('<img src=x onerror=alert(1)> see https://example.org/a?b=1.')
    expect(widget.log.get_by_text("<img src=x onerror=alert(1)>", exact=False)).to_be_visible()
    link = widget.log.get_by_role("link", name="https://example.org/a?b=1")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("target", "_blank")
    assert widget.log.locator("img").count() == 0


def test_a_dropped_connection_continues_the_same_conversation(page: Page, site: Site) -> None:
    sockets: list[Any] = []

    def relay(route: Any) -> None:
        route.connect_to_server()
        sockets.append(route)

    page.route_web_socket("**/chat/ws", relay)
    page.goto(f"{site.backend}/demo")
    widget = Widget(page)
    widget.welcome()
    widget.say("I live in Australia")
    page.wait_for_timeout(1500)
    sockets[0].close(code=4999, reason="network gone")
    widget.say("he's outside my house right now")  # typed while the widget reconnects
    widget.wait_for("If you are in danger right now, please call 000")
    assert len(sockets) == 2, "one reconnection"
    expect(widget.log.get_by_text("Are you safe right now?")).to_have_count(1)


def test_another_charity_embeds_it_under_its_own_strict_policy(
    page: Page, site: Site,
) -> None:
    page.goto(site.charity)
    widget = Widget(page)
    widget.open("Talk to us")
    widget.wait_for("Are you safe right now?")
    expect(page.get_by_role("heading", name="Talk to Another Charity")).to_be_visible()
    widget.say("what can you do")
    widget.wait_for("help")
    assert page.evaluate("document.cookie") == ""


def test_the_demo_page_needs_no_inline_script_or_style(page: Page, site: Site) -> None:
    response = page.goto(f"{site.backend}/demo")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy
    Widget(page).welcome()  # any CSP refusal would be a console error and fail the test


def test_nothing_is_stored_in_the_browser(page: Page, site: Site) -> None:
    page.goto(f"{site.backend}/demo")
    widget = Widget(page)
    widget.welcome()
    widget.say("someone shared my photos")
    widget.wait_for("not your fault")
    state = page.context.storage_state(indexed_db=True)
    assert state["cookies"] == []
    assert all(not origin.get("localStorage") and not origin.get("indexedDB")
               for origin in state["origins"]), json.dumps(state)
    assert page.evaluate("sessionStorage.length + localStorage.length") == 0
    assert page.evaluate("indexedDB.databases().then(d => d.length)") == 0


def test_the_host_pages_scripts_get_no_handle_on_the_conversation(
    browser: Browser, site: Site, watch: Watch,
) -> None:
    # A context of its own, without the test harness that opens shadow roots.
    context = browser.new_context()
    guard(context, site, watch)
    try:
        page = watched_page(context, watch)
        page.goto(site.charity)
        page.wait_for_function(
            "document.querySelectorAll('[data-support-chat], [data-support-chat-exit]')"
            ".length === 2")
        hosts = page.evaluate("[...document.querySelectorAll("
                              "'[data-support-chat], [data-support-chat-exit]')]"
                              ".map(host => host.shadowRoot)")
        assert hosts == [None, None], "closed shadow roots"
    finally:
        context.close()


def test_a_button_sends_a_token_and_the_relay_sends_the_welcome(page: Page,
                                                               site: Site) -> None:
    sent: list[dict[str, Any]] = []
    page.on("websocket", lambda socket: socket.on(
        "framesent", lambda payload: sent.append(json.loads(payload))))
    page.goto(f"{site.backend}/demo")
    widget = Widget(page)
    widget.welcome()
    answers = widget.log.locator(".assistant").count()
    widget.log.get_by_role("button").first.click()
    expect(widget.log.locator(".assistant")).not_to_have_count(answers, timeout=20_000)
    kinds = [frame["type"] for frame in sent]
    assert kinds[0] == "hello" and "choice" in kinds
    assert not any(frame.get("text", "").startswith("/") for frame in sent), \
        "the widget never sends a payload: the relay greets, and buttons are tokens"
    token = next(frame["choice"] for frame in sent if frame["type"] == "choice")
    assert not token.startswith("/") and "{" not in token
