"""Access logs name the route, never the path, so ids never reach the logs."""

from __future__ import annotations

import logging

import aiohttp
import pytest
from aiohttp import web

from bot.backend.main import init_app
from bot.backend.web.access_log import RouteAccessLogger

from .support import AUTH, Clock, Databases, make_settings

pytestmark = pytest.mark.asyncio


async def test_access_logs_name_routes_not_paths(
    databases: Databases, clock: Clock, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    runner = web.AppRunner(init_app(make_settings(databases), clock),
                           access_log_class=RouteAccessLogger)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    base = f"http://{host}:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await http.delete(f"{base}/api/v1/conversations/secret-sender-id", headers=AUTH)
            await http.get(f"{base}/staff/cases/0b7f6c1e-5d7a-4c55-9d1b-1f1e2d3c4b5a",
                           allow_redirects=False)
            await http.get(f"{base}/secret-path-somebody-typed")
    finally:
        await runner.cleanup()
    assert "DELETE /api/v1/conversations/{conversation_id} 204" in caplog.text
    assert "GET /staff/cases/{handoff_id} 303" in caplog.text
    assert "GET (no route) 404" in caplog.text
    for secret in ("secret-sender-id", "0b7f6c1e", "secret-path"):
        assert secret not in caplog.text
