"""The widget's script and the demo page as the backend serves them."""

from __future__ import annotations

import gzip
from typing import Any

import pytest

from bot.backend.chat.assets import PLACEHOLDER, load_assets
from bot.backend.web.security_headers import DEMO_PAGE_POLICY

from .live_support import (
    RasaDouble,
    chat_client,
    rasa,  # noqa: F401 (fixture)
    sqlite_databases,  # noqa: F401 (fixture)
)
from .support import Client, Clock, Databases

BUDGET_GZIPPED_BYTES = 30 * 1024


@pytest.fixture
async def client(aiohttp_client: Any, sqlite_databases: Databases, clock: Clock,
                 rasa: RasaDouble) -> Client:
    return await chat_client(aiohttp_client, sqlite_databases, clock, rasa)


async def test_the_script_is_within_its_size_budget_gzipped(client: Client) -> None:
    response = await client.get("/widget.js", headers={"Accept-Encoding": "gzip"},
                                auto_decompress=False)
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    compressed = await response.read()
    print(f"widget.js: {len(compressed)} bytes gzipped, "
          f"{len(gzip.decompress(compressed))} bytes plain")
    assert len(compressed) <= BUDGET_GZIPPED_BYTES


async def test_any_site_may_load_the_script_but_nothing_caches_it(client: Client) -> None:
    response = await client.get("/widget.js", headers={"Accept-Encoding": "identity"})
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "Content-Encoding" not in response.headers
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Vary"] == "Accept-Encoding"


async def test_the_script_carries_the_crisis_lines_for_when_it_cannot_connect(
    client: Client,
) -> None:
    script = await (await client.get("/widget.js")).text()
    assert PLACEHOLDER not in script
    assert "116 123" in script and "85258" in script and "call 999" in script
    code = script.split("*/", 1)[1]
    for banned in ("localStorage", "sessionStorage", "indexedDB", "document.cookie",
                   "innerHTML", "eval(", "new Function", "http://", "XMLHttpRequest"):
        assert banned not in code, banned
    # One request besides the socket and the quick-exit beacon: the one download of a copy
    # of the person's log, to the backend's own /chat/document.
    assert code.count("fetch(") == 1 and "fetch(documentUrl," in code


async def test_the_demo_page_runs_under_a_strict_policy(client: Client) -> None:
    response = await client.get("/demo")
    html = await response.text()
    policy = response.headers["Content-Security-Policy"]
    assert policy == DEMO_PAGE_POLICY
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert '<script src="/widget.js"' in html
    assert "<script>" not in html and " style=" not in html
    assert (await client.get("/demo.css")).headers["Content-Type"].startswith("text/css")


async def test_other_responses_keep_the_dashboard_policy(client: Client) -> None:
    response = await client.get("/healthz")
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "script-src" not in response.headers["Content-Security-Policy"]


def test_a_script_without_its_placeholder_is_refused(tmp_path: Any) -> None:
    for name in ("widget.js", "demo.html", "demo.css"):
        (tmp_path / name).write_text("x")
    with pytest.raises(RuntimeError, match="placeholder|exactly once"):
        load_assets("text", tmp_path)
