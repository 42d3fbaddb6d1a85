"""Helpers shared by the backend tests: payloads, staff accounts, logging in, a clock."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pyotp
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select, text

from bot.backend.keys import SESSIONS, VAULT
from bot.backend.settings import Settings
from bot.backend.staff.passwords import hash_password
from bot.backend.storage.db import create_sync_engine
from bot.backend.storage.models import StaffUser

SERVICE_TOKEN = "test-service-token-0123456789-abcdefghij"
ENCRYPTION_KEY = "kBU8Cl3OWCcZNZV7-5b4fjqzE02pRMgQVIK7XYbVKE0="
OLD_ENCRYPTION_KEY = "Cq3bkHqz6jvDgW4mDyYg1mB6t1-qTQQ3Q0-3y0Vb0mM="
RASA_TOKEN = "rasa-test-token-Hq3v9LmZ2pXw7Rk4Tn8Ys6Bd"
PASSWORD = "correct horse battery staple"
AUTH = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
Client = TestClient[web.Request, web.Application]
MakeClient = Callable[..., Awaitable[Client]]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def iso(moment: dt.datetime) -> str:
    """ISO 8601 with a Z, as the action server sends it."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def referral_event(conversation_id: str = "conv-1", at: dt.datetime | None = None,
                   **fields: Any) -> dict[str, Any]:
    """A valid referral event; keyword arguments replace fields."""
    created = iso(at or dt.datetime.now(dt.UTC))
    event: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "kind": "referral",
        "conversation_id": conversation_id,
        "channel": "socketio",
        "created_at": created,
        "jurisdiction": "GB-ENG",
        "age_band": "adult",
        "role": "self",
        "situation": "shared",
        "perpetrator": "ex_partner",
        "risk_flags": [],
        "routes_offered": ["takedown", "evidence"],
        "services_offered": ["revenge_porn_helpline"],
        "platforms": ["instagram"],
        "consent": False,
        "consent_at": None,
        "handoff": None,
    }
    event.update(fields)
    return event


def handoff_event(conversation_id: str = "conv-1", at: dt.datetime | None = None,
                  summary: str = "Photos shared by my ex on Instagram; want them removed.",
                  contact_details: str | None = "sam@example.org",
                  **fields: Any) -> dict[str, Any]:
    """A valid handoff event with consent; keyword arguments replace fields."""
    moment = iso(at or dt.datetime.now(dt.UTC))
    event = referral_event(conversation_id, at, kind="handoff", consent=True, consent_at=moment,
                           routes_offered=["takedown", "human"])
    event["handoff"] = {"summary": summary, "contact_method": "email",
                        "contact_details": contact_details, "safe_time": "weekday evenings"}
    event.update(fields)
    return event


async def post_event(client: Client, event: Any, **kwargs: Any) -> Any:
    """POST an event with the service token; returns the response."""
    return await client.post("/api/v1/events", json=event, headers=AUTH, **kwargs)


async def ingest_handoff(client: Client, conversation_id: str, **fields: Any) -> str:
    """Create a handoff through the API; return its id."""
    response = await post_event(client, handoff_event(conversation_id, **fields))
    assert response.status in (200, 201), await response.text()
    return str((await response.json())["handoff_id"])


async def add_staff(app: web.Application, email: str, role: str = "advisor",
                    totp_secret: str | None = None) -> uuid.UUID:
    """Create a staff account straight in the database; return its id."""
    user_id = uuid.uuid4()
    async with app[SESSIONS].begin() as session:
        session.add(StaffUser(
            id=user_id, email=email, role=role, password_hash=hash_password(PASSWORD),
            totp_secret_enc=None if totp_secret is None else app[VAULT].encrypt(totp_secret),
            failed_logins=0, active=True, created_at=dt.datetime.now(dt.UTC)))
    return user_id


async def count(app: web.Application, model: type[Any], *where: Any) -> int:
    """How many rows of a model (matching the conditions) the database holds."""
    async with app[SESSIONS]() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where))
                   or 0)


def csrf_token(html: str) -> str:
    """The CSRF token in a page's first form."""
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


async def login(client: Client, email: str, password: str = PASSWORD) -> Any:
    """Sign in through the login form; returns the final response."""
    page = await client.get("/staff/login")
    return await client.post("/staff/login", data={
        "csrf_token": csrf_token(await page.text()), "email": email, "password": password,
    })


async def submit(client: Client, page_path: str, action_path: str,
                 data: dict[str, str] | None = None, **kwargs: Any) -> Any:
    """Open a page, take its CSRF token, POST a form to an action."""
    page = await client.get(page_path)
    form = {"csrf_token": csrf_token(await page.text()), **(data or {})}
    return await client.post(action_path, data=form, **kwargs)


def totp_code(secret: str, moment: dt.datetime) -> str:
    """The code an authenticator shows at a moment."""
    return pyotp.TOTP(secret).at(moment)


def add_tracker_events(tracker_url: str, sender_id: str, timestamps: list[float]) -> None:
    """Write transcript rows into Rasa's tracker store table, as Rasa would."""
    engine = create_sync_engine(tracker_url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO events (sender_id, type_name, timestamp, data) "
            "VALUES (:sender, 'user', :at, :data)"
        ), [{"sender": sender_id, "at": at, "data": '{"text": "hello"}'} for at in timestamps])
    engine.dispose()


def tracker_senders(tracker_url: str) -> list[str]:
    """The sender id of every row left in the tracker store."""
    engine = create_sync_engine(tracker_url)
    with engine.connect() as connection:
        senders = [row[0] for row in connection.execute(
            text("SELECT sender_id FROM events ORDER BY id"))]
    engine.dispose()
    return senders


@dataclass(frozen=True)
class Databases:
    """The backend's database URL and the tracker store's."""

    kind: str
    url: str
    tracker_url: str


def make_settings(databases: Databases, **env: str) -> Settings:
    """Settings for a test app; keyword arguments are extra environment variables."""
    return Settings.from_env({
        "DATABASE_URL": databases.url,
        "TRACKER_DATABASE_URL": databases.tracker_url,
        "BACKEND_SERVICE_TOKEN": SERVICE_TOKEN,
        "BACKEND_ENCRYPTION_KEYS": ENCRYPTION_KEY,
        "RASA_URL": "http://127.0.0.1:9",
        "RASA_TOKEN": RASA_TOKEN,
        "STAFF_RASA_TIMEOUT_SECONDS": "2",
        "RETENTION_INTERVAL_MINUTES": "0",
        # The second factor for every role is the default (test_mfa.py); the other tests
        # are about other things, and only their admins enrol.
        "MFA_ROLES": "admin",
        **env,
    })


@dataclass
class FakeRasa:
    """Rasa's tracker endpoint on a loopback port; `trackers` maps sender id to events."""

    url: str = ""
    trackers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
