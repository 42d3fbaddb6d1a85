"""The widget's files, the demo charity page, and the quick-exit beacon.

    GET /widget.js   the script a charity adds with one <script> tag (any site may load
                     it, so Cross-Origin-Resource-Policy is cross-origin)
    GET /demo        an example charity page, under a strict CSP, with a cookie banner
    GET /demo.css    its stylesheet
    POST /chat/left  quick exit when the socket is down (navigator.sendBeacon): the body
                     is the session token; 204, or 400 for a token that is not genuine
"""

from __future__ import annotations

from aiohttp import web

from bot.backend.chat import presence

from bot.backend.chat import origins
from bot.backend.chat.tokens import sender_id
from bot.backend.keys import CHAT, WIDGET
from bot.backend.storage import audit
from bot.backend.web.security_headers import DEMO_PAGE_POLICY

MAX_TOKEN_BYTES = 256


async def widget_js(request: web.Request) -> web.Response:
    """GET /widget.js."""
    response = _file(request, "widget.js")
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


async def demo_page(request: web.Request) -> web.Response:
    """GET /demo."""
    response = _file(request, "demo.html")
    response.headers["Content-Security-Policy"] = DEMO_PAGE_POLICY
    return response


async def demo_css(request: web.Request) -> web.Response:
    """GET /demo.css."""
    return _file(request, "demo.css")


async def left_beacon(request: web.Request) -> web.Response:
    """POST /chat/left: the person used quick exit while their socket was reconnecting."""
    if not origins.allowed(request):
        raise web.HTTPForbidden(text="This page may not use the chat.")
    tokens = request.config_dict[CHAT].tokens
    raw = await request.content.read(MAX_TOKEN_BYTES + 1)
    token = raw.decode("ascii", "replace").strip() if len(raw) <= MAX_TOKEN_BYTES else None
    session_id = tokens.verify(token) if tokens is not None and token else None
    if session_id is None:
        raise web.HTTPBadRequest(text="not a chat session")
    await presence.person_left(request.config_dict, sender_id(session_id), audit.ANONYMOUS,
                               "widget")
    return web.Response(status=204)


def _file(request: web.Request, name: str) -> web.Response:
    asset = request.config_dict[WIDGET].files[name]
    response = web.Response(content_type=asset.content_type.partition(";")[0],
                            charset="utf-8")
    response.headers["Vary"] = "Accept-Encoding"
    if _accepts_gzip(request.headers.get("Accept-Encoding", "")):
        response.body = asset.gzipped
        response.headers["Content-Encoding"] = "gzip"
    else:
        response.body = asset.body
    return response


def _accepts_gzip(header: str) -> bool:
    for part in header.lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() == "gzip":
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False
