"""Real-browser fixtures: the real stack (Rasa, actions, backend), Debian's Chromium driven
by Playwright, a charity site on another origin, and a staff account.

No browser is ever downloaded: the tests use the `chromium` on PATH, which `make setup`
installs; without it they fail, saying what to run (tests/support/browser.py). Every page is watched:
a request to anywhere but our servers (and the exit page, answered locally) fails the
test, as does any console error or uncaught exception.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from bot.tools import stack as stack_tools
from tests.support.browser import CHROMIUM_ARGS, chromium_path
from tests.support.servers import Stack, free_port, running

EXIT_URL = "https://www.bbc.co.uk/weather"
# The widget's shadow roots are closed, so the host page's scripts cannot read the chat.
# Tests inspect it (axe-core, focus, layout) as a script that ran before the widget could:
# by opening every root. test_chat.py checks, without this, that the roots are closed.
OPEN_SHADOW_ROOTS = """
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    return attach.call(this, Object.assign({}, init, {mode: 'open'}));
  };
"""
STAFF_EMAIL = "ana@example.org"
STAFF_PASSWORD = "correct horse battery staple"



@dataclass
class Site:
    """The real servers, and a charity's own site on another origin that embeds the widget."""

    stack: Stack
    charity: str

    @property
    def backend(self) -> str:
        return self.stack.backend


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    charity_port = free_port()
    charity = f"http://127.0.0.1:{charity_port}"
    # Staff sign in with a password alone here (a laptop may exempt a role): these tests
    # are about the chat; the second factor has its own (tests/backend/test_mfa.py).
    with running(tmp_path_factory.mktemp("var"),
                 extra_env={"WIDGET_ALLOWED_ORIGINS": charity, "MFA_ROLES": "admin"}) as stack:
        _create_staff_user(stack)
        server = _charity_site(charity_port, stack.backend)
        try:
            yield Site(stack, charity)
        finally:
            server.shutdown()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                         args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Watch:
    """What a page did that it should not have."""

    problems: list[str] = field(default_factory=list)
    exits: list[str] = field(default_factory=list)


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def context(browser: Browser, site: Site, watch: Watch) -> Iterator[BrowserContext]:
    context = browser.new_context()
    context.add_init_script(OPEN_SHADOW_ROOTS)
    guard(context, site, watch)
    yield context
    context.close()
    assert watch.problems == []


@pytest.fixture
def page(context: BrowserContext, watch: Watch) -> Page:
    return watched_page(context, watch)


def watched_page(context: BrowserContext, watch: Watch) -> Page:
    page = context.new_page()
    page.on("console", lambda message: _console(message, watch))
    page.on("pageerror", lambda error: watch.problems.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: watch.problems.append(f"dialog: {dialog.message}"))
    return page


def guard(context: BrowserContext, site: Site, watch: Watch) -> None:
    """Our servers pass; the exit page is answered here (no internet); all else fails."""
    allowed = (site.backend, site.charity)

    def handle(route: Any) -> None:
        url = route.request.url
        if url.startswith(EXIT_URL):
            watch.exits.append(url)
            route.fulfill(status=200, content_type="text/html",
                          body="<!doctype html><title>Weather</title><h1>Weather</h1>")
        elif url.startswith(allowed):
            route.continue_()
        else:
            watch.problems.append(f"request to elsewhere: {url}")
            route.abort()

    context.route("**/*", handle)


def _console(message: Any, watch: Watch) -> None:
    if message.type in ("error", "warning"):
        watch.problems.append(f"console {message.type}: {message.text}")


def _create_staff_user(stack: Stack) -> None:
    result = subprocess.run(
        [str(stack_tools.SVC_PY), "-m", "bot.backend.ops.create_staff_user",
         "--email", STAFF_EMAIL, "--role", "advisor"],
        input=STAFF_PASSWORD + "\n", env=stack.env, cwd=str(stack_tools.ROOT),
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


CHARITY_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Another charity</title></head>
<body><main><h1>Another charity's own site</h1>
<p>It adds the chat with one script tag, under its own strict policy.</p></main>
<script src="{backend}/widget.js" async data-title="Talk to Another Charity"
        data-launcher-text="Talk to us" data-accent-color="#6a1b9a"
        data-exit-url="https://www.bbc.co.uk/weather?from=another"></script>
</body></html>"""


def _charity_site(port: int, backend: str) -> ThreadingHTTPServer:
    """A page on another origin with a CSP that allows only the widget's server."""
    body = CHARITY_PAGE.format(backend=backend).encode()
    websocket = backend.replace("http://", "ws://", 1)
    policy = (f"default-src 'none'; script-src {backend}; connect-src {websocket} {backend}; "
              "style-src 'none'; img-src 'none'; base-uri 'none'; form-action 'none'")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(200 if self.path == "/" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", policy)
            self.end_headers()
            if self.path == "/":
                self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
