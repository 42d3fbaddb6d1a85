"""The web chat's routes, on the root app beside /healthz."""

from __future__ import annotations

from aiohttp import web

from bot.backend.chat import downloads, views, websocket


def setup_routes(app: web.Application, demo: bool) -> None:
    """Add the widget and relay routes, and the demo page if `demo` (DEMO_PAGE)."""
    router = app.router
    router.add_get("/chat/ws", websocket.chat_socket, name="chat_ws")
    router.add_post("/chat/left", views.left_beacon, name="chat_left")
    router.add_post("/chat/document", downloads.download, name="chat_document")
    router.add_get("/widget.js", views.widget_js, name="widget_js")
    if demo:
        router.add_get("/demo", views.demo_page, name="demo")
        router.add_get("/demo.css", views.demo_css, name="demo_css")
