"""Quick exit in a real browser: the button (over a cookie banner, at 320 px too) and
Shift pressed three times; the page hides at once, Back does not return, nothing stays."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from .conftest import EXIT_URL, Site, Watch
from .widget_page import Widget

# What is at the middle of the Exit button: the button itself, or something covering it.
TOP_ELEMENT = """() => {
  const host = document.querySelector('[data-support-chat-exit]');
  const button = host.shadowRoot.querySelector('button');
  const box = button.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const top = document.elementFromPoint(x, y);
  return {covered: top !== host, inner: host.shadowRoot.elementFromPoint(x, y) === button,
          box: [box.left, box.top, box.right, box.bottom]};
}"""


def start_chat(page: Page, site: Site) -> Widget:
    page.goto(f"{site.backend}/healthz")  # somewhere before, for the Back button
    page.goto(f"{site.backend}/demo")
    widget = Widget(page)
    widget.welcome()
    widget.say("someone shared my photos")
    widget.wait_for("not your fault")
    return widget


def assert_left_cleanly(page: Page, context: BrowserContext, watch: Watch,
                        site: Site) -> None:
    expect(page).to_have_url(EXIT_URL)
    expect(page.get_by_role("heading", name="Weather")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(f"{site.backend}/healthz")
    assert context.cookies() == []
    state = context.storage_state(indexed_db=True)
    assert all(not o.get("localStorage") and not o.get("indexedDB") for o in state["origins"])
    assert page.evaluate("sessionStorage.length + localStorage.length") == 0
    assert watch.exits == [EXIT_URL]


# Reports, as the page starts to unload, what a person glancing at the screen would see.
# (Playwright cannot evaluate in a page whose navigation is under way, so the page says it.)
REPORT_AT_UNLOAD = """() => addEventListener('beforeunload', () => {
  const host = document.querySelector('[data-support-chat]');
  const log = host && host.shadowRoot && host.shadowRoot.querySelector('[role=log]');
  console.log('at-unload ' + JSON.stringify({
    display: getComputedStyle(document.documentElement).display,
    log: log ? log.textContent : ''}));
})"""


def test_the_exit_button_hides_everything_at_once_and_leaves_no_way_back(
    page: Page, context: BrowserContext, site: Site, watch: Watch,
) -> None:
    widget = start_chat(page, site)
    reports: list[str] = []
    page.on("console", lambda message: reports.append(message.text)
            if message.text.startswith("at-unload ") else None)
    page.evaluate(REPORT_AT_UNLOAD)
    widget.exit.click(no_wait_after=True)
    assert_left_cleanly(page, context, watch, site)
    assert len(reports) == 1, reports
    seen = json.loads(reports[0].removeprefix("at-unload "))
    assert seen == {"display": "none", "log": ""}, "hidden and emptied before leaving"


def test_shift_three_times_leaves(
    page: Page, context: BrowserContext, site: Site, watch: Watch,
) -> None:
    start_chat(page, site)
    for _ in range(3):
        page.keyboard.press("Shift")
    assert_left_cleanly(page, context, watch, site)


def test_shift_used_with_other_keys_or_too_slowly_does_not_leave(
    page: Page, site: Site, watch: Watch,
) -> None:
    widget = start_chat(page, site)
    widget.box.type("Hello From Me")  # capitals: Shift held with a letter
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift+A")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    page.keyboard.press("Shift")
    page.wait_for_timeout(5500)  # longer than the 5-second window
    page.keyboard.press("Shift")
    page.wait_for_timeout(500)
    expect(page).to_have_url(f"{site.backend}/demo")
    assert watch.exits == []
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    expect(page).to_have_url(EXIT_URL)


def test_escape_is_not_quick_exit(page: Page, site: Site, watch: Watch) -> None:
    widget = start_chat(page, site)
    widget.box.press("Escape")  # closes the panel, as a dialog would; does not leave
    expect(widget.box).to_be_hidden()
    expect(page.get_by_role("button", name="Chat with us")).to_be_focused()
    assert watch.exits == []


def test_at_320_pixels_the_exit_button_is_on_top_of_a_cookie_banner(
    context: BrowserContext, site: Site, watch: Watch,
) -> None:
    from .conftest import watched_page
    page = watched_page(context, watch)
    page.set_viewport_size({"width": 320, "height": 568})
    page.goto(f"{site.backend}/demo")
    banner = page.get_by_role("region", name="Cookie notice")
    expect(banner).to_be_visible()
    assert banner.evaluate("e => getComputedStyle(e).zIndex") == "2147483647"
    top = page.evaluate(TOP_ELEMENT)
    assert not top["covered"] and top["inner"], top
    left, upper, right, lower = top["box"]
    assert 0 <= left and right <= 320 and 0 <= upper and lower <= 568
    page.mouse.wheel(0, 2000)  # still there after scrolling
    assert not page.evaluate(TOP_ELEMENT)["covered"]

    widget = Widget(page)
    widget.welcome()
    panel = page.get_by_role("region", name="Talk to Example Charity")
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert box["y"] >= top["box"][3], "the panel starts below the Exit button"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    close = page.get_by_role("button", name="Close")
    expect(close).to_be_visible()
    close_box = close.bounding_box()
    assert close_box is not None
    assert page.evaluate(
        """([x, y]) => { const host = document.querySelector('[data-support-chat]');
           return host.shadowRoot.elementFromPoint(x, y).textContent; }""",
        [close_box["x"] + close_box["width"] / 2, close_box["y"] + close_box["height"] / 2],
    ) == "Close", "the chat is above the banner too"
    widget.say("someone shared my photos")
    widget.wait_for("not your fault")
    widget.exit.click()
    expect(page).to_have_url(EXIT_URL)
