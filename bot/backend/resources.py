"""What lives and dies with the app (app.cleanup_ctx): databases, HTTP clients, the web
chat (and its Redis connections, with REDIS_URL), the purge job."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from redis.asyncio import Redis
from sqlalchemy.orm import sessionmaker

from bot.backend.api.erasures import retry_all
from bot.backend.api.group_commit import GroupCommit
from bot.backend.api.ingest import IngestResult, apply_events
from bot.backend.api.schema import IngestEvent
from bot.backend.chat.assets import load_assets
from bot.backend.chat.choices import Choices
from bot.backend.chat.fallback import busy_text, unavailable_text
from bot.backend.chat.gateway_client import TelegramGateway
from bot.backend.chat.hub import Hub
from bot.backend.chat.rasa_client import RasaClient
from bot.backend.chat.service import ChatService
from bot.backend.chat.shared import SharedHub
from bot.backend.chat.tokens import SessionTokens
from bot.backend.staff.case.shared_log import SHARED_LOGS, SharedLogs
from bot.case_documents import CaseDocuments
from bot.backend.keys import (
    CHAT,
    CLOCK,
    INGEST,
    LIMITS,
    RASA,
    SESSIONS,
    SETTINGS,
    TELEGRAM,
    TRACKER,
    VAULT,
    WIDGET,
)
from bot.backend.ops.retention import Policy, purge, run_every
from bot.backend.storage import migrate
from bot.backend.storage.db import create_database_engine, create_sync_engine, session_factory
from bot.backend.storage.rasa_events import TrackerStore
from bot.backend.web.limits import Limits
from bot.directory import cached_directory


async def database(app: web.Application) -> AsyncIterator[None]:
    """The backend's database, migrated to the newest schema before the first request."""
    engine = create_database_engine(app[SETTINGS].database_url)
    await migrate.upgrade(engine)
    app[SESSIONS] = session_factory(engine)
    yield
    await engine.dispose()


async def ingest_queue(app: web.Application) -> AsyncIterator[None]:
    """Group commit for ingest events, each batch one transaction in a worker thread.

    It has its own blocking engine (see api/ingest.py for why); at shutdown the batch in
    flight is finished first.
    """
    engine = create_sync_engine(app[SETTINGS].database_url)
    sessions = sessionmaker(engine, expire_on_commit=False)

    async def apply(events: list[IngestEvent]) -> list[IngestResult]:
        now = app[CLOCK]()
        return await asyncio.to_thread(apply_events, sessions, app[VAULT], events, now)

    app[INGEST] = GroupCommit(apply)
    yield
    await app[INGEST].close()
    engine.dispose()


async def tracker_store(app: web.Application) -> AsyncIterator[None]:
    """Rasa's tracker store, for deleting transcripts."""
    engine = create_database_engine(app[SETTINGS].tracker_database_url)
    app[TRACKER] = TrackerStore(engine)
    yield
    await engine.dispose()


async def live(app: web.Application) -> AsyncIterator[None]:
    """The web chat relay and live takeover: Rasa, the Telegram gateway, the hub of open
    widget sockets, and the widget's files. The directory is read here, so a broken one
    stops the start rather than the first person who needs a crisis line."""
    settings = app[SETTINGS]
    directory = cached_directory()
    text = unavailable_text(directory)
    app[WIDGET] = load_assets(text)
    session_seconds = settings.widget_session_hours * 3600.0
    async with aiohttp.ClientSession(trust_env=False) as http:
        app[RASA] = RasaClient(http, settings.rasa_url, settings.rasa_token,
                               settings.widget_rasa_timeout_seconds,
                               settings.staff_rasa_timeout_seconds)
        app[TELEGRAM] = TelegramGateway(http, settings.telegram_gateway_url,
                                        settings.telegram_internal_token,
                                        # the gateway may wait up to 3 s for the chat's turn,
                                        # then for Telegram itself
                                        max(settings.staff_rasa_timeout_seconds, 10.0))
        tokens = (None if settings.widget_session_key is None
                  else SessionTokens(settings.widget_session_key, session_seconds))
        hub = chat_hub(settings.redis_url, settings.redis_prefix, session_seconds)
        app[CHAT] = ChatService(
            hub, app[RASA], tokens, text, settings.widget_messages_per_minute,
            choices=(None if settings.widget_session_key is None
                     else Choices(settings.widget_session_key)),
            busy_text=busy_text(directory), max_concurrent=settings.rasa_max_concurrent,
            documents=CaseDocuments(http, settings.actions_url, settings.document_token))
        app[SHARED_LOGS] = SharedLogs(http, settings.actions_url, settings.staff_log_token)
        yield
        await app[CHAT].close()
        await hub.close()


async def limits(app: web.Application) -> AsyncIterator[None]:
    """Counters by client address, shared through Redis when several processes serve."""
    settings = app[SETTINGS]
    redis = None
    if settings.redis_url is not None:
        redis = Redis.from_url(settings.redis_url, socket_connect_timeout=1, socket_timeout=2)
    app[LIMITS] = Limits(redis, settings.redis_prefix + "limit:")
    yield
    await app[LIMITS].close()


def chat_hub(redis_url: str | None, prefix: str, session_seconds: float) -> Hub | SharedHub:
    """Who holds which widget socket: this process's memory, or Redis shared by several
    processes. Nothing connects here, so Redis being down does not stop the start."""
    if redis_url is None:
        return Hub(left_seconds=session_seconds)
    hub = SharedHub.connect(redis_url, prefix, left_seconds=session_seconds)
    hub.start()
    return hub


async def retention_job(app: web.Application) -> AsyncIterator[None]:
    """The scheduled purge; RETENTION_INTERVAL_MINUTES=0 turns it off."""
    settings = app[SETTINGS]
    if settings.retention_interval_minutes == 0:
        yield
        return
    policy = Policy.from_settings(settings)

    async def run_once() -> None:
        await retry_all(app[SESSIONS], app[VAULT], app[TRACKER], app[CLOCK]())
        await purge(app[SESSIONS], app[TRACKER], policy, app[CLOCK]())

    task = asyncio.create_task(
        run_every(dt.timedelta(minutes=settings.retention_interval_minutes), run_once)
    )
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
