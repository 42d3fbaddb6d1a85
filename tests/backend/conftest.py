"""Fixtures: the real app on SQLite and on PostgreSQL, a movable clock and a fake Rasa.

Every test that takes `databases` (directly or through `make_client`) runs twice: on a
fresh SQLite file and on PostgreSQL. The PostgreSQL database is created with a unique
name for this test session from the `postgres` maintenance database (TEST_POSTGRES_URL,
default postgresql://postgres@127.0.0.1:5432/postgres) and dropped at the end, so
parallel runs never collide; tables are emptied after each test.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import closing
from typing import Any

import psycopg
import pytest
import redis
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy.engine import make_url

from bot.backend.main import init_app

from .support import RASA_TOKEN, Client, Clock, Databases, FakeRasa, MakeClient, make_settings

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# Rasa's SQL tracker store table, as Rasa creates it.
TRACKER_COLUMNS = """
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT"""
SQLITE_TRACKER_DDL = f"CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT,{TRACKER_COLUMNS})"
POSTGRES_TRACKER_DDL = f"CREATE TABLE events (id SERIAL PRIMARY KEY,{TRACKER_COLUMNS})"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A uniquely named PostgreSQL database for this test session."""
    name = f"backend_test_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL is needed at {POSTGRES_ADMIN_URL} "
                    f"(set TEST_POSTGRES_URL): {error}")
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(POSTGRES_TRACKER_DDL)
    yield url
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_postgres(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'")]
        if tables:
            connection.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Databases]:
    """Fresh, empty databases of each kind in turn."""
    if request.param == "sqlite":
        tracker = tmp_path / "tracker.db"
        with closing(sqlite3.connect(tracker)) as connection:
            connection.execute(SQLITE_TRACKER_DDL)
        yield Databases("sqlite", f"sqlite:///{tmp_path / 'backend.db'}", f"sqlite:///{tracker}")
        return
    url = request.getfixturevalue("postgres_url")
    yield Databases("postgresql", url, url)
    _empty_postgres(url)


@pytest.fixture
def clock() -> Clock:
    """The app's clock, movable by the test."""
    return Clock()


@pytest_asyncio.fixture
async def make_client(aiohttp_client: Any, databases: Databases, clock: Clock) -> MakeClient:
    """Build the real app with extra environment variables and a test client for it."""

    async def make(**env: str) -> Client:
        client: Client = await aiohttp_client(init_app(make_settings(databases, **env), clock))
        return client

    return make


@pytest_asyncio.fixture
async def client(make_client: MakeClient) -> Client:
    """A client for the app with default test settings."""
    return await make_client()


@pytest_asyncio.fixture
async def fake_rasa(
    aiohttp_server: Callable[..., Awaitable[TestServer]],
) -> AsyncIterator[FakeRasa]:
    """A small aiohttp server answering GET /conversations/{id}/tracker like Rasa."""
    rasa = FakeRasa()

    async def tracker(request: web.Request) -> web.Response:
        rasa.requests.append(request.match_info["sender_id"])
        if (request.headers.get("Authorization") != f"Bearer {RASA_TOKEN}"
                or "token" in request.query):
            return web.json_response({"message": "unauthorized"}, status=401)
        sender = request.match_info["sender_id"]
        return web.json_response({"sender_id": sender, "events": rasa.trackers.get(sender, [])})

    app = web.Application()
    app.router.add_get("/conversations/{sender_id}/tracker", tracker)
    server = await aiohttp_server(app)
    rasa.url = str(server.make_url("")).rstrip("/")
    yield rasa


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A prefix of this test's own; every key under it is deleted afterwards."""
    prefix = f"test-chat-{os.getpid()}-{secrets.token_hex(4)}:"
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is needed at {REDIS_URL} (set TEST_REDIS_URL): {error}")
    yield prefix
    keys = list(client.scan_iter(match=prefix + "*", count=500))
    if keys:
        client.delete(*keys)
    client.close()
