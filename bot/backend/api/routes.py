"""The ingest API as a sub-app mounted at /api/v1/, every route behind the service token."""

from __future__ import annotations

from aiohttp import web

from bot.backend.api import due_reminders, views
from bot.backend.api.auth import require_service_token


def create_app() -> web.Application:
    """The /api/v1/ sub-app."""
    app = web.Application(middlewares=[require_service_token])
    app.router.add_post("/events", views.post_event, name="events")
    app.router.add_delete("/conversations/{conversation_id}", views.delete_conversation,
                          name="conversation")
    app.router.add_post("/conversations/{conversation_id}/withdraw", views.withdraw_handoff,
                        name="withdraw")
    app.router.add_post("/conversations/{conversation_id}/left", views.person_left,
                        name="left")
    app.router.add_post("/conversations/{conversation_id}/reminder",
                        due_reminders.deliver_reminder, name="reminder")
    return app
