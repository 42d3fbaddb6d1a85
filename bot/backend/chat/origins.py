"""Which web pages may open the chat: WIDGET_ALLOWED_ORIGINS and the backend's own origin.

Browsers always send Origin on a WebSocket handshake and on a beacon, and a page cannot
forge it. This does not stop a script outside a browser (nothing can; it is not a
secret), but it stops other sites from embedding a charity's assistant in their pages.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from bot.backend.keys import SETTINGS


def allowed(request: web.Request) -> bool:
    """True when the request's Origin is the backend itself or a configured charity site."""
    origin = request.headers.get("Origin", "").strip().lower()
    if not origin or origin == "null":
        return False
    if origin in request.config_dict[SETTINGS].widget_allowed_origins:
        return True
    return _is_own_origin(origin, request.host)


def _is_own_origin(origin: str, host: str | None) -> bool:
    """Same host and port as the request (the demo page); either scheme, since TLS may end
    at a proxy in front of us."""
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or parts.path or not parts.netloc:
        return False
    return bool(host) and parts.netloc == (host or "").lower()
