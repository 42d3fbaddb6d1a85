"""The ingest API's tokens: bearer tokens compared in constant time, each with its scope.

BACKEND_SERVICE_TOKEN (the action server's) opens every route. BACKEND_GATEWAY_TOKEN (the
Telegram gateway's) opens only "this person left": the gateway holds no right to write
referrals, erase or withdraw, so a leak of its token can do no more than that.
"""

from __future__ import annotations

import hmac
import logging

from aiohttp import web

from bot.backend.keys import SETTINGS
from bot.backend.web.errors import ApiError, Handler

log = logging.getLogger(__name__)
# Routes (by name) each narrower token may use.
GATEWAY_ROUTES = frozenset({"left"})


@web.middleware
async def require_service_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every API route needs `Authorization: Bearer <token>` whose scope covers it."""
    settings = request.config_dict[SETTINGS]
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    presented = token.strip() if scheme.lower() == "bearer" else ""
    if _same(presented, settings.service_token):
        return await handler(request)
    if (_same(presented, settings.gateway_token)
            and request.match_info.route.name in GATEWAY_ROUTES):
        return await handler(request)
    log.warning("ingest API refused a request without a valid token for its route")
    raise ApiError(401, "unauthorized", "a valid service token is required")


def _same(presented: str, expected: str | None) -> bool:
    if not presented or not expected:
        return False
    return hmac.compare_digest(presented.encode("utf-8", "replace"), expected.encode("utf-8"))
