"""Database engines: one URL format in the settings, the right driver and tuning per dialect.

SQLite (the laptop default) gets WAL, a busy timeout, foreign keys, and `BEGIN IMMEDIATE`
so two writers queue instead of failing with "database is locked"; one pooled connection
per process, because SQLite has one writer anyway. PostgreSQL goes through psycopg 3 with
`pool_pre_ping`, so a database restart does not fail the next request. Every engine hides
bound parameters from error messages, so a logged exception cannot carry personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Delete, Engine, create_engine, event
from sqlalchemy.engine import URL, CursorResult, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.backend.settings import PROJECT_ROOT, ConfigError

SQLITE_BUSY_TIMEOUT_MS = 10_000


def database_url(raw: str, *, asynchronous: bool) -> URL:
    """Map `sqlite:///…` or `postgresql://…` to a driver; resolve relative SQLite paths."""
    url = make_url(raw)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ConfigError("an SQLite DATABASE_URL needs a file path")
        path = Path(url.database)
        if not path.is_absolute():
            path = PROJECT_ROOT / path
        return url.set(drivername="sqlite+aiosqlite" if asynchronous else "sqlite",
                       database=str(path))
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    raise ConfigError(f"unsupported database {backend!r}: use sqlite or postgresql")


def create_database_engine(raw_url: str) -> AsyncEngine:
    """The application's async engine, tuned for its dialect."""
    url = database_url(raw_url, asynchronous=True)
    if url.get_backend_name() == "sqlite":
        Path(url.database or "").parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url, pool_size=1, max_overflow=0, pool_timeout=60, hide_parameters=True
        )
        tune_sqlite(engine.sync_engine)
        return engine
    return create_async_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True
    )


def create_sync_engine(raw_url: str) -> Engine:
    """A blocking engine for command-line tools and Alembic's own command line."""
    url = database_url(raw_url, asynchronous=False)
    if url.get_backend_name() == "sqlite":
        Path(url.database or "").parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, hide_parameters=True)
        tune_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def tune_sqlite(engine: Engine) -> None:
    """WAL, busy timeout, foreign keys on every connection; writers take the lock up front."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL, not NORMAL: an acknowledged event must survive a power cut, because the
        # action server deletes its outbox row once we acknowledge it.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails at once if another
        # connection wrote in between; taking the write lock first makes it wait instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def run_in_transaction(database_url: str, work: Callable[[Connection], None]) -> None:
    """Run `work` in one transaction on a short-lived blocking engine: for commands run by
    hand and Alembic's command line, which have no app to lend them one."""
    engine = create_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            work(connection)
    finally:
        engine.dispose()


async def delete_rows(session: AsyncSession, statement: Delete) -> int:
    """Run a DELETE and say how many rows it removed."""
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit, for rendering."""
    return async_sessionmaker(engine, expire_on_commit=False)
