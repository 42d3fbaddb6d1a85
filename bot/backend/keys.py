"""Typed keys for what the app and each request carry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.backend.api.group_commit import GroupCommit
from bot.backend.api.ingest import IngestResult
from bot.backend.api.schema import IngestEvent
from bot.backend.chat.assets import WidgetAssets
from bot.backend.chat.gateway_client import TelegramGateway
from bot.backend.chat.rasa_client import RasaClient
from bot.backend.chat.service import ChatService
from bot.backend.settings import Settings
from bot.backend.storage.crypto import Vault
from bot.backend.storage.models import StaffSession, StaffUser
from bot.backend.storage.rasa_events import TrackerStore
from bot.backend.web.limits import Limits

Clock = Callable[[], dt.datetime]

SETTINGS = web.AppKey("settings", Settings)
CLOCK: web.AppKey[Clock] = web.AppKey("clock")
VAULT = web.AppKey("vault", Vault)
SESSIONS: web.AppKey[async_sessionmaker[AsyncSession]] = web.AppKey("sessions")
TRACKER = web.AppKey("tracker", TrackerStore)
INGEST: web.AppKey[GroupCommit[IngestEvent, IngestResult]] = web.AppKey("ingest")
# The web chat, live takeover and transcripts (resources.live).
RASA = web.AppKey("rasa", RasaClient)
CHAT = web.AppKey("chat", ChatService)
TELEGRAM = web.AppKey("telegram", TelegramGateway)
WIDGET = web.AppKey("widget", WidgetAssets)
# Counters by client address: login attempts, chat sessions and connections, handoffs.
LIMITS = web.AppKey("limits", Limits)

# Set by the staff middlewares for the views behind them.
USER = web.RequestKey("user", StaffUser)
STAFF_SESSION = web.RequestKey("staff_session", StaffSession)
FORM: web.RequestKey[dict[str, str]] = web.RequestKey("form")


def utcnow() -> dt.datetime:
    """The real clock; tests hand the app a clock they can move."""
    return dt.datetime.now(dt.UTC)
