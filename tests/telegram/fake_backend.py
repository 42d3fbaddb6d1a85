"""A stand-in for the backend's service API that records what the gateway tells it."""

from __future__ import annotations

import threading
from typing import Any

from aiohttp import web

from tests.support.servers import BackgroundLoop, free_port


class RecordingBackend:
    """Answers POST /api/v1/conversations/{id}/left with `status`, recording each call."""

    def __init__(self, status: int = 404) -> None:
        self.status = status
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._loop = BackgroundLoop()
        self._runner: web.AppRunner | None = None

    def start(self) -> RecordingBackend:
        self._loop.run(self._start(), timeout=30)
        return self

    def stop(self) -> None:
        if self._runner:
            self._loop.run(self._runner.cleanup(), timeout=30)
        self._loop.close()

    def left_calls(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.calls)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/v1/conversations/{conversation_id}/left", self._left)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def _left(self, request: web.Request) -> web.Response:
        with self._lock:
            self.calls.append({"conversation_id": request.match_info["conversation_id"],
                               "authorization": request.headers.get("Authorization"),
                               "body": await request.read()})
        return web.json_response({}, status=self.status)
