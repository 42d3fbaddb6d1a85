"""Action tests: trackers built from plain data, real outboxes, a fake backend.

Every test that takes `outbox_url` (directly, or through `open_outbox`, `outbox` or
`outbox_env`) runs twice: on a fresh SQLite file, and on a fresh schema of the real
PostgreSQL server's test database (tests/conftest.py creates that database for the session
and drops it afterwards; each test's schema is dropped after the test).
"""

from __future__ import annotations

import uuid
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Optional

import pytest
import sqlalchemy as sa
from aiohttp import web
from cryptography.fernet import Fernet, MultiFernet
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import referrals as referrals_module
from actions.referrals.outbox import Outbox
from tests.actions.fake_backend import FakeBackend

SLOTS = ["age_group", "age", "image_age_group", "country", "role", "perpetrator", "situation",
         "platforms", "groups", "topic", "question", "asked", "declined", "risk_flags",
         "routes_offered", "services_offered",
         "handoff_consent", "handoff_contact_method", "handoff_contact_details",
         "handoff_safe_time", "handoff_summary", "handoff_confirmed", "requested_slot"]


def make_tracker(slots: Optional[Dict[str, Any]] = None, text: str = "hi",
                 intent: str = "greet", flags: Optional[List[str]] = None,
                 active_loop: Optional[str] = None, channel: Optional[str] = None,
                 events: Optional[List[Dict[str, Any]]] = None,
                 sender: str = "conversation-1",
                 entities: Optional[Dict[str, Any]] = None,
                 ranking: Optional[List[Dict[str, Any]]] = None) -> Tracker:
    """A tracker whose latest message is `text`; `entities` maps names to a value or a
    list of values. The message is also the last user event, as in a real tracker."""
    values = {name: None for name in SLOTS}
    values.update(slots or {})
    found = [{"entity": name, "value": v} for name, value in (entities or {}).items()
             for v in (value if isinstance(value, list) else [value])]
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0},
               "intent_ranking": ranking or [{"name": intent, "confidence": 1.0}],
               "entities": found, "metadata": {"channel": channel} if channel else {}}
    if flags is not None:
        message["safety"] = {"flags": flags}
    events = list(events or []) + [{"event": "user", "text": text, "parse_data": message}]
    return Tracker(sender, values, message, events, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


@pytest.fixture
def tracker_factory():
    return make_tracker


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


@pytest.fixture(params=["sqlite", "postgresql"])
def outbox_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """Where a test's outbox lives: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'outbox.db'}"
        return
    database = request.getfixturevalue("postgres_url")
    schema = f"outbox_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(database, future=True, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    yield f"{database}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture
def open_outbox(outbox_url: str) -> Iterator[Callable[[], Outbox]]:
    """Opens outboxes on the test's database, as separate replicas would (same keys)."""
    cipher = MultiFernet([Fernet(Fernet.generate_key())])
    opened: List[Outbox] = []

    def open_one() -> Outbox:
        opened.append(Outbox(outbox_url, cipher))
        return opened[-1]

    yield open_one
    for box in opened:
        box.close()


@pytest.fixture
def outbox(open_outbox: Callable[[], Outbox]) -> Outbox:
    return open_outbox()


@pytest.fixture
async def backend() -> AsyncIterator[FakeBackend]:
    fake = FakeBackend()
    runner = web.AppRunner(fake.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    yield fake
    await runner.cleanup()


@pytest.fixture
def outbox_env(outbox_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch):
    """A fresh referral service, configured from the environment, no backend: on the
    embedded SQLite file (OUTBOX_PATH) and on PostgreSQL (OUTBOX_DATABASE_URL)."""
    if outbox_url.startswith("sqlite"):
        monkeypatch.setenv("OUTBOX_PATH", str(tmp_path / "outbox.db"))
        monkeypatch.delenv("OUTBOX_DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("OUTBOX_PATH", str(tmp_path / "unused" / "outbox.db"))
        monkeypatch.setenv("OUTBOX_DATABASE_URL", outbox_url)
    monkeypatch.setenv("TRACKER_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    monkeypatch.delenv("BACKEND_URL", raising=False)
    referrals_module.referrals.cache_clear()
    yield referrals_module.referrals()
    referrals_module.referrals().outbox.close()
    referrals_module.referrals.cache_clear()


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or m.get("response") or "" for m in dispatcher.messages)
