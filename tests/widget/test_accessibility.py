"""Accessibility of the widget in Debian's Chromium against the real stack: axe-core (inside
the widget's open shadow roots), keyboard only with a visible focus at every step, the
live region, a 320 px wide screen, and no motion for those who ask for less."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import Site
from .widget_page import Widget

HOSTS = ('div[data-support-chat=""]', 'div[data-support-chat-exit=""]')
DARK_RING = "rgb(11, 12, 12) 0px 0px 0px 6px"

# The focused element, through shadow roots, and whether a keyboard user can see it.
FOCUSED = """() => {
  let node = document.activeElement;
  while (node && node.shadowRoot && node.shadowRoot.activeElement) {
    node = node.shadowRoot.activeElement;
  }
  if (!node || node === document.body) return {outside: true};
  const style = getComputedStyle(node);
  return {outside: false, tag: node.tagName, text: node.textContent.trim().slice(0, 60),
          inNewestChoices: node.parentElement === [...node.getRootNode()
            .querySelectorAll('.choices')].pop(),
          outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
          shadow: style.boxShadow};
}"""

# The widget's two shadow hosts (the chat, and the Exit button first in the page).
WIDGET_HOSTS = "[...document.querySelectorAll('[data-support-chat], [data-support-chat-exit]')]"

# Every element of both shadow roots: what it animates or transitions.
MOTION = "() => " + WIDGET_HOSTS + """
  .flatMap(host => [...host.shadowRoot.querySelectorAll('*')].map(node => {
    const style = getComputedStyle(node);
    return {node: node.tagName + '.' + node.className, animation: style.animationName,
            transition: style.transitionDuration, scroll: style.scrollBehavior};
  }))"""

RUNNING_ANIMATIONS = ("() => " + WIDGET_HOSTS
                      + ".flatMap(host => host.shadowRoot.getAnimations()).length")

# A stand-in for an animation someone might add one day (a pulsing "typing" line): a
# constructed stylesheet, as the widget's own are, so the page's CSP allows it, on an
# element of its own, which the widget never hides (its own typing line comes and goes
# with the replies).
ADD_PULSE = """() => {
  const root = document.querySelector('[data-support-chat]').shadowRoot;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync('@keyframes pulse{from{opacity:1}to{opacity:.2}}' +
                    '.stand-in{animation:pulse .3s infinite alternate}');
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const pulse = document.createElement('div');
  pulse.className = 'stand-in';
  pulse.textContent = '...';
  root.querySelector('[role=log]').append(pulse);
}"""


def running(page: Page, count: int) -> None:
    """Waits (up to 5 s, for the style to be applied) until `count` animations run."""
    page.wait_for_function(f"() => ({RUNNING_ANIMATIONS})() === {count}", timeout=5000)


def conversation_with_buttons(page: Page, site: Site) -> Widget:
    page.goto(f"{site.backend}/demo")
    widget = Widget(page)
    widget.welcome()
    widget.say("how do i get the pictures taken down")
    widget.wait_for("Which site or app are they on?")
    expect(widget.log.get_by_role("button", name="TikTok")).to_be_visible()
    return widget


def serious_problems(results: dict[str, Any]) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(str(node["target"]) for node in v["nodes"])
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def checked_in_shadow_roots(results: dict[str, Any]) -> set[str]:
    """The rules axe ran on nodes inside the widget's shadow roots (their targets are
    lists: the host, then the selector inside its root)."""
    return {rule["id"] for kind in ("passes", "violations", "incomplete")
            for rule in results[kind] for node in rule["nodes"]
            if isinstance(node["target"][0], list) and node["target"][0][0] in HOSTS}


def focused(page: Page) -> dict[str, Any]:
    """The focused element; fails unless it shows the widget's focus: a yellow outline and,
    around it, a dark ring, so it shows on light pages and dark buttons alike."""
    state: dict[str, Any] = page.evaluate(FOCUSED)
    if not state["outside"]:
        assert state["outline"] >= 2 and DARK_RING in state["shadow"], \
            f"focus not visible: {state}"
    return state


def tab_to(page: Page, wanted: Any, limit: int = 40) -> dict[str, Any]:
    """Presses Tab until the focused element matches; checks the focus is visible at
    every stop on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        if not state["outside"] and wanted(state):
            return state
        seen.append(state.get("text", "(outside the page)"))
    raise AssertionError(f"not reached with {limit} presses of Tab; went through {seen}")


@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_nothing_serious_with_the_chat_open(
    page: Page, site: Site, width: int,
) -> None:
    page.set_viewport_size({"width": width, "height": 720 if width > 320 else 568})
    conversation_with_buttons(page, site)
    # axe-core reaches into open shadow roots only: conftest.py opens the widget's closed
    # roots for the tests, as a script that ran before the widget could.
    assert page.evaluate(WIDGET_HOSTS + ".map(host => host.shadowRoot !== null)") \
        == [True, True]
    results = Axe().run(page, options={"resultTypes": ["violations", "passes", "incomplete"]})
    assert serious_problems(results.response) == []
    assert {"button-name", "color-contrast", "label", "aria-allowed-attr"} \
        <= checked_in_shadow_roots(results.response), "axe looked inside the widget"


def test_everything_works_from_the_keyboard_with_a_visible_focus(
    page: Page, site: Site,
) -> None:
    page.goto(f"{site.backend}/demo")
    widget = Widget(page)
    assert tab_to(page, lambda s: True, limit=1)["text"] == "Exit this page", \
        "Exit comes first"
    tab_to(page, lambda s: s["text"] == "Chat with us")
    page.keyboard.press("Enter")
    expect(widget.box).to_be_focused()
    focused(page)
    widget.wait_for("Are you safe right now?")
    page.keyboard.type("how do i get the pictures taken down")
    page.keyboard.press("Enter")
    widget.wait_for("Which site or app are they on?")
    expect(widget.log.get_by_role("button", name="TikTok")).to_be_visible()

    tab_to(page, lambda s: s["tag"] == "BUTTON" and s["inNewestChoices"]
           and s["text"] == "TikTok")
    answers = widget.log.locator(".assistant").count()
    page.keyboard.press(" ")
    expect(widget.log.locator(".you").last).to_have_text("You: TikTok")
    expect(widget.log.locator(".assistant")).not_to_have_count(answers, timeout=20_000)
    tab_to(page, lambda s: s["text"] == "Exit this page")
    expect(widget.exit).to_be_focused()


def test_new_messages_are_added_inside_a_polite_live_log(page: Page, site: Site) -> None:
    page.goto(f"{site.backend}/demo")
    widget = Widget(page)
    widget.welcome()
    expect(widget.log).to_have_attribute("aria-live", "polite")
    expect(widget.log).to_have_attribute("role", "log")
    page.evaluate("""() => {
      const log = document.querySelector('[data-support-chat]').shadowRoot
        .querySelector('[role=log]');
      window.addedToLog = [];
      new MutationObserver(changes => changes.forEach(change => change.addedNodes
        .forEach(node => window.addedToLog.push(node.textContent))))
        .observe(log, {childList: true});
    }""")
    widget.say("someone shared my photos")
    widget.wait_for("not your fault")
    added: list[str] = page.evaluate("window.addedToLog")
    assert added[0] == "You: someone shared my photos"
    replies = [text for text in added[1:] if text.startswith("Assistant: ")]
    assert replies and any("not your fault" in text for text in replies), added


def test_at_320_pixels_a_conversation_fits_without_sideways_scrolling(
    page: Page, site: Site,
) -> None:
    page.set_viewport_size({"width": 320, "height": 568})
    page.goto(f"{site.backend}/demo")
    widget = Widget(page)
    widget.welcome()
    long_link = "https://example.org/" + "a" * 120
    widget.say(f"someone shared my photos, see {long_link}")
    widget.wait_for("not your fault")
    reply = widget.log.locator(".assistant").last
    reply.scroll_into_view_if_needed()
    expect(reply).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    log_width = widget.log.evaluate("log => [log.scrollWidth, log.clientWidth]")
    assert log_width[0] <= log_width[1], "a long link wraps inside the conversation"
    expect(widget.exit).to_be_visible()
    expect(widget.exit).to_be_in_viewport()
    box = widget.exit.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert box["y"] >= 0 and box["y"] + box["height"] <= 568


def test_nothing_moves_and_reduced_motion_stops_anything_added_later(
    page: Page, site: Site,
) -> None:
    page.goto(f"{site.backend}/demo")
    widget = Widget(page)
    widget.welcome()
    widget.say("someone shared my photos")
    widget.wait_for("not your fault")
    moving = [m for m in page.evaluate(MOTION)
              if m["animation"] != "none" or set(m["transition"].split(", ")) != {"0s"}]
    assert moving == [], "the widget has no motion of its own"
    assert page.evaluate(RUNNING_ANIMATIONS) == 0

    page.evaluate(ADD_PULSE)
    running(page, 1)  # the stand-in animation runs normally...
    page.emulate_media(reduced_motion="reduce")
    running(page, 0)  # ...and not for someone who asked for less motion
    assert {(m["animation"], m["transition"], m["scroll"]) for m in page.evaluate(MOTION)} \
        == {("none", "0s", "auto")}
