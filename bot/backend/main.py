"""The application factory: `init_app(settings)` builds the whole service.

    /healthz    liveness and database check, no login
    /api/v1/    the ingest API for the action server (service token)
    /staff/     the staff dashboard (sessions, CSRF)
    /chat/ws, /chat/left, /widget.js, /demo   the web chat widget and its relay to Rasa

Resources (database engines, the Rasa client, the purge job) are opened in
`app.cleanup_ctx`, so building the app does no I/O and tests can build as many as they like.
"""

from __future__ import annotations

from aiohttp import web

from bot.backend import resources
from bot.backend.api.body import MAX_BODY_BYTES
from bot.backend.api.routes import create_app as create_api_app
from bot.backend.chat.routes import setup_routes as setup_chat_routes
from bot.backend.keys import CHAT, CLOCK, SETTINGS, VAULT, Clock, utcnow
from bot.backend.ops.health import healthz
from bot.backend.settings import Settings
from bot.backend.staff.routes import create_app as create_staff_app
from bot.backend.storage.crypto import Vault
from bot.backend.web.errors import error_middleware
from bot.backend.web.hosts import staff_on_its_own_host
from bot.backend.web.security_headers import add_security_headers
from bot.backend.web.templating import setup_templates


def init_app(settings: Settings, clock: Clock = utcnow) -> web.Application:
    """Build the service; raises ConfigError if a required secret is missing."""
    settings.require_server_secrets()
    app = web.Application(client_max_size=MAX_BODY_BYTES,
                          middlewares=[error_middleware, staff_on_its_own_host])
    app[SETTINGS] = settings
    app[CLOCK] = clock
    app[VAULT] = Vault(settings.encryption_keys)
    setup_templates(app)
    app.cleanup_ctx.extend([
        resources.database,
        resources.ingest_queue,
        resources.tracker_store,
        resources.limits,
        resources.live,
        resources.retention_job,
    ])
    app.on_response_prepare.append(add_security_headers)
    app.on_shutdown.append(_close_chats)
    app.router.add_get("/healthz", healthz, name="healthz")
    setup_chat_routes(app, demo=settings.demo_page)
    app.add_subapp("/api/v1/", create_api_app())
    app.add_subapp("/staff/", create_staff_app())
    return app


async def _close_chats(app: web.Application) -> None:
    """Open widget sockets would hold shutdown up; each widget reconnects on its own."""
    await app[CHAT].hub.close_all()
