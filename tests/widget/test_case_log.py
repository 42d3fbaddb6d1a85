"""A copy of the person's log on the widget, in Debian's Chromium against the real Rasa,
actions and backend: a download button that works once, for this session only."""

from __future__ import annotations

import urllib.error
import urllib.request

from playwright.sync_api import Page, Route, expect

from bot.backend.chat.tokens import SessionTokens
from tests.support.pdf import pdf_text

from .conftest import Site
from .widget_page import Widget


def _post(url: str, body: str, origin: str) -> int:
    request = urllib.request.Request(url, data=body.encode(), method="POST",
                                     headers={"Content-Type": "text/plain", "Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_copy_of_the_log_downloads_once_for_this_session(page: Page, site: Site) -> None:
    page.goto(f"{site.backend}/demo")
    widget = Widget(page)
    widget.welcome()
    widget.say("my ex posted my nudes on reddit.com/r/somewhere/123 im 24 in leeds")
    widget.wait_for("private log (entry 1)")
    widget.say("send me a copy of my log")
    widget.wait_for("download button below")
    button = widget.log.get_by_role("button", name="Download your log (PDF)")
    url = f"{site.backend}/chat/document"
    others: list[int] = []

    def another_session_first(route: Route) -> None:
        # Before the widget's own request: another genuine session with this very token.
        _, document = (route.request.post_data or "").split("\n")
        tokens = SessionTokens(site.stack.env["WIDGET_SESSION_KEY"], 3600)
        others.append(_post(url, f"{tokens.issue()[0]}\n{document}", site.backend))
        route.continue_()

    page.route("**/chat/document", another_session_first)
    with page.expect_request("**/chat/document") as asked, page.expect_download() as saved:
        button.click()
    assert others == [404]
    content = open(saved.value.path(), "rb").read()
    assert content.startswith(b"%PDF")
    assert "reddit.com/r/somewhere/123" in pdf_text(content)
    expect(widget.log.get_by_role("button", name="Downloaded")).to_be_disabled()

    # The same request again, or with another session's token, opens nothing.
    session, document = asked.value.post_data.split("\n")
    assert _post(url, f"{session}\n{document}", site.backend) == 404
    assert _post(url, f"{session[:-2]}xx\n{document}", site.backend) == 400
    assert _post(url, f"{session}\n{document}", "https://elsewhere.example") == 403
