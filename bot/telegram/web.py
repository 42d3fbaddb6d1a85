"""The gateway's one HTTP server: health, Telegram's webhook, and the internal API.

    GET  /healthz                 200 once Telegram can reach the bot (the supervisor's check)
    POST /telegram/webhook        webhook mode: updates from Telegram, which must carry our
                                  X-Telegram-Bot-Api-Secret-Token (else 403); 400 for what
                                  is not an update; 503 (Telegram retries) when overloaded
    POST /internal/v1/messages    the backend delivers a staff member's message during a
                                  live takeover: Authorization: Bearer TELEGRAM_INTERNAL_TOKEN,
                                  {"conversation_id": "tg-...", "text": "..."} -> 202 once
                                  sent; 401, 400, 404 (not a Telegram conversation), 410 (the
                                  person blocked the bot), 503 (chat busy), 502 (Telegram)

No access log: paths carry nothing personal, but bodies and client addresses might, and the
one thing worth knowing (a refused request) is logged without them.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.telegram import incoming
from bot.telegram.gateway import Delivery, Gateway
from bot.telegram.settings import Settings

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 256 * 1024  # an update or a staff message is a few kilobytes at most
# Beyond this many updates waiting, ask Telegram to retry later rather than queue more.
MAX_WAITING = 2000

SETTINGS = web.AppKey("settings", Settings)
GATEWAY = web.AppKey("gateway", Gateway)
APPLICATION = web.AppKey("application", Application)
READY = web.AppKey("ready", asyncio.Event)  # set by main() once Telegram can reach us

DELIVERY_STATUS = {Delivery.SENT: 202, Delivery.BUSY: 503, Delivery.GONE: 410,
                   Delivery.FAILED: 502}


def same_secret(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison; no secret configured means nothing matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


async def healthz(request: web.Request) -> web.Response:
    """Healthy once polling has started or the webhook is set, while the bot runs."""
    running = request.app[READY].is_set() and request.app[APPLICATION].running
    return web.json_response({"status": "ok" if running else "starting"},
                             status=200 if running else 503)


async def webhook(request: web.Request) -> web.Response:
    """One update from Telegram, checked and queued for its chat's lane."""
    settings, application = request.app[SETTINGS], request.app[APPLICATION]
    if not same_secret(request.headers.get(SECRET_HEADER), settings.webhook_secret):
        logger.warning("refused a webhook call without the right secret")
        return web.json_response({"error": "forbidden"}, status=403)
    data = await _json_body(request)
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        return web.json_response({"error": "not an update"}, status=400)
    try:
        update = Update.de_json(data, application.bot)
    except Exception:  # noqa: BLE001 - any malformed update is the sender's fault: 400
        return web.json_response({"error": "not an update"}, status=400)
    if request.app[GATEWAY].lanes.waiting + application.update_queue.qsize() > MAX_WAITING:
        logger.warning("overloaded: asked Telegram to retry an update later")
        return web.json_response({"error": "busy"}, status=503)
    await application.update_queue.put(update)
    return web.json_response({"ok": True})


async def staff_message(request: web.Request) -> web.Response:
    """A staff member's message, delivered to the person's chat in its turn."""
    settings, gateway = request.app[SETTINGS], request.app[GATEWAY]
    header = request.headers.get("Authorization", "")
    token = header[len("Bearer "):] if header.startswith("Bearer ") else None
    if not same_secret(token, settings.internal_token):
        logger.warning("refused an internal API call without the right token")
        return web.json_response({"error": "unauthorized"}, status=401,
                                 headers={"WWW-Authenticate": "Bearer"})
    data = await _json_body(request)
    conversation_id = data.get("conversation_id") if isinstance(data, dict) else None
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(conversation_id, str) or not isinstance(text, str):
        return web.json_response(
            {"error": "expected {\"conversation_id\": string, \"text\": string}"}, status=400)
    text = incoming.clean(text)
    if not text or len(text) > incoming.MAX_CHARS:
        return web.json_response(
            {"error": f"text must be 1 to {incoming.MAX_CHARS} characters"}, status=400)
    chat_id = gateway.ids.chat_of(conversation_id)
    if chat_id is None:
        return web.json_response({"error": "no such Telegram conversation"}, status=404)
    delivery = await gateway.deliver_staff_message(chat_id, text)
    logger.info("staff message: %s", delivery.value)
    return web.json_response({"status": delivery.value}, status=DELIVERY_STATUS[delivery])


async def _json_body(request: web.Request) -> Any:
    """The parsed body, or None for anything that is not JSON in UTF-8."""
    try:
        return json.loads(await request.read())
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or absurdly nested
        return None


def create_app(settings: Settings, gateway: Gateway, application: Application) -> web.Application:  # type: ignore[type-arg]
    """The aiohttp application; the webhook route exists only in webhook mode."""
    app = web.Application(client_max_size=MAX_BODY)
    app[SETTINGS] = settings
    app[GATEWAY] = gateway
    app[APPLICATION] = application
    app[READY] = asyncio.Event()
    app.router.add_get("/healthz", healthz)
    if settings.mode == "webhook":
        app.router.add_post("/telegram/webhook", webhook)
    app.router.add_post("/internal/v1/messages", staff_message)
    return app
