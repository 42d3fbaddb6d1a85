"""`GET /healthz`: 200 when the service can reach its database, without a login."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import text

from bot.backend.keys import SESSIONS


async def healthz(request: web.Request) -> web.Response:
    """A database that cannot be reached becomes a 503 in the error middleware."""
    async with request.app[SESSIONS]() as session:
        await session.execute(text("SELECT 1"))
    return web.json_response({"status": "ok"})
