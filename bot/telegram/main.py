"""Runs the Telegram gateway: python-telegram-bot for Telegram, aiohttp for HTTP.

Usage:
    TELEGRAM_BOT_TOKEN=... python -m bot.telegram       (or `make run` with the token set)

Polling (the default) suits a laptop: no public address needed. Webhook mode registers
TELEGRAM_WEBHOOK_URL with Telegram and receives updates on this process's own aiohttp
server (which also serves /healthz and the internal API), so python-telegram-bot runs
without a web server of its own. Both modes feed the same update queue, handlers and lanes.
SIGTERM or Ctrl-C finish the updates in hand, then stop.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import aiohttp
from aiohttp import web
from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.directory.directory import cached_directory
from bot.telegram import wording
from bot.telegram.backend_client import Backend
from bot.telegram.buttons import ButtonStore
from bot.telegram.gateway import Gateway
from bot.telegram.handlers import GATEWAY, add_handlers
from bot.telegram.ids import ConversationIds
from bot.telegram.ordering import ChatLanes, ChatOrderedProcessor, RecentUpdates
from bot.case_documents import CaseDocuments
from bot.telegram.rasa_client import Assistant
from bot.telegram.sent import MessageLog
from bot.telegram.settings import ConfigError, Settings
from bot.telegram.web import READY, create_app

logger = logging.getLogger("bot.telegram")
# Only what the gateway acts on: edits, reactions and membership changes are not asked for.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
# Telegram's 429 carries retry_after; the rate limiter waits that long, then tries again.
RETRIES_AFTER_429 = 3


def build_application(settings: Settings, processor: ChatOrderedProcessor) -> Application:  # type: ignore[type-arg]
    """python-telegram-bot's Application: rate limited, chat-ordered, no web server."""
    builder = (ApplicationBuilder()
               .token(settings.bot_token)
               .rate_limiter(AIORateLimiter(max_retries=RETRIES_AFTER_429))
               .concurrent_updates(processor))
    if settings.base_url and settings.base_file_url:
        builder = builder.base_url(settings.base_url).base_file_url(settings.base_file_url)
    if settings.mode == "webhook":
        builder = builder.updater(None)  # updates arrive through our aiohttp server
    return builder.build()


async def serve(settings: Settings) -> None:
    """Starts everything, waits for SIGTERM or SIGINT, stops everything."""
    stop = _stop_on_signals()
    lanes = ChatLanes()
    processor = ChatOrderedProcessor(lanes, RecentUpdates())
    application = build_application(settings, processor)
    sorry = wording.unavailable(cached_directory())  # fail at start, not in a crisis
    sent = MessageLog(settings.state_path)
    try:
        async with aiohttp.ClientSession() as session, application:
            gateway = Gateway(
                application.bot, ConversationIds(settings.id_key),
                Assistant(session, settings.rasa_url, settings.rasa_timeout_seconds),
                Backend(session, settings.backend_url, settings.backend_token),
                ButtonStore(), sent, lanes, sorry, settings.clear_note_seconds,
                CaseDocuments(session, settings.actions_url, settings.document_token))
            application.bot_data[GATEWAY] = gateway
            processor.on_overflow = lambda chat_id: application.create_task(
                gateway.say(chat_id, wording.BUSY))
            add_handlers(application)
            app = create_app(settings, gateway, application)
            runner = web.AppRunner(app, access_log=None)
            await application.start()
            try:
                # Listen first: Telegram starts posting as soon as the webhook is set.
                await runner.setup()
                await web.TCPSite(runner, settings.host, settings.port).start()
                await _connect(application, settings)
                app[READY].set()
                logger.info("Telegram gateway ready (%s mode) on %s:%d",
                            settings.mode, settings.host, settings.port)
                await stop.wait()
            finally:
                await runner.cleanup()  # no new webhook calls while the rest stops
                if application.updater is not None and application.updater.running:
                    await application.updater.stop()
                await application.stop()  # finishes the updates in hand
    finally:
        sent.close()


async def _connect(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Starts polling, or tells Telegram where to post updates and with which secret."""
    if application.updater is not None:
        await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
    else:
        await application.bot.set_webhook(
            settings.webhook_url or "", secret_token=settings.webhook_secret,
            allowed_updates=ALLOWED_UPDATES)


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


def configure_logging() -> None:
    """Our own lines at INFO; libraries that would log tokens or updates kept quiet."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL, and the Bot API's URLs contain the bot token.
    for name in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # python-telegram-bot logs whole updates (text, chat ids) at DEBUG.
    logging.getLogger("telegram").setLevel(logging.INFO)


def main() -> None:
    """Entry point of `python -m bot.telegram`."""
    configure_logging()
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    try:
        asyncio.run(serve(settings))
    except InvalidToken:
        print("error: Telegram refused TELEGRAM_BOT_TOKEN", file=sys.stderr)
        sys.exit(1)
    except NetworkError as error:  # its text names the failure, never the token
        print(f"error: cannot reach the Telegram Bot API: {error}", file=sys.stderr)
        sys.exit(1)
    except OSError as error:
        print(f"error: cannot listen on {settings.host}:{settings.port}: {error.strerror}",
              file=sys.stderr)
        sys.exit(1)
