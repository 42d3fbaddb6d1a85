"""A stand-in for the backend's ingest API: a real HTTP server on loopback that logs every
request it is sent, in the order they arrive, duplicates included."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from aiohttp import web

TOKEN = "secret-token"


@dataclass(frozen=True)
class Received:
    kind: str  # "event", "erase" or "withdraw"
    conversation_id: str
    body: Optional[Dict[str, Any]] = None

    @property
    def id(self) -> Optional[str]:
        return self.body["id"] if self.body else None


class FakeBackend:
    def __init__(self) -> None:
        self.received: List[Received] = []
        self.status = 201  # what /events answers; anything else is not recorded
        self.delay = 0.0  # seconds before each answer: deliveries overlap in time
        self.requests = 0
        self.url = ""

    async def _answer(self, request: web.Request) -> None:
        self.requests += 1
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        if self.delay:
            await asyncio.sleep(self.delay)

    async def events(self, request: web.Request) -> web.Response:
        await self._answer(request)
        if self.status != 201:
            return web.json_response({"error": "no"}, status=self.status)
        body = await request.json()
        self.received.append(Received("event", body["conversation_id"], body))
        return web.json_response({"id": body["id"]}, status=201)

    async def erase(self, request: web.Request) -> web.Response:
        await self._answer(request)
        self.received.append(Received("erase", request.match_info["cid"]))
        return web.Response(status=204)

    async def withdraw(self, request: web.Request) -> web.Response:
        await self._answer(request)
        self.received.append(Received("withdraw", request.match_info["cid"]))
        return web.Response(status=204)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/v1/events", self.events)
        app.router.add_delete("/api/v1/conversations/{cid}", self.erase)
        app.router.add_post("/api/v1/conversations/{cid}/withdraw", self.withdraw)
        return app
