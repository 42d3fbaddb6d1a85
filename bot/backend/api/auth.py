"""The ingest API's service token: a bearer token compared in constant time."""

from __future__ import annotations

import hmac
import logging

from aiohttp import web

from bot.backend.keys import SETTINGS
from bot.backend.web.errors import ApiError, Handler

log = logging.getLogger(__name__)


@web.middleware
async def require_service_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every API route needs `Authorization: Bearer <BACKEND_SERVICE_TOKEN>`."""
    expected = request.config_dict[SETTINGS].service_token or ""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    presented = token.strip().encode("utf-8", "replace")
    if not expected or scheme.lower() != "bearer" or not hmac.compare_digest(
        presented, expected.encode("utf-8")
    ):
        log.warning("ingest API refused a request without a valid service token")
        raise ApiError(401, "unauthorized", "a valid service token is required")
    return await handler(request)
