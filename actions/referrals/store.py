"""Where the outbox lives: one table, in a SQLite file (a laptop, the tests) or in PostgreSQL
(shared by every action-server replica). What the two do differently is kept here.

Both keep one global order, the `seq` column, and the relay delivers in that order. On
PostgreSQL a sequence number is taken at insert but the row becomes visible at commit, so
two replicas writing at once could commit out of `seq` order and the relay would deliver
the later row first; writers therefore take turns (`writing`). SQLite's BEGIN IMMEDIATE
already makes them take turns.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url

metadata = sa.MetaData()

# Same columns as the SQLite file the earlier versions created, so an existing file opens.
outbox = sa.Table(
    "outbox", metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
              autoincrement=True),
    sa.Column("id", sa.Text, nullable=False, unique=True),
    sa.Column("conversation_key", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.Float, nullable=False, server_default="0"),
    sa.Column("dead", sa.Integer, nullable=False, server_default="0"),
    sa.Index("outbox_conversation", "conversation_key"),
    sqlite_autoincrement=True,  # a seq is never reused, even after the newest row goes
)


def open_engine(url: str) -> Engine:
    """An engine on the outbox's database, with its table created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise ValueError("the SQLite outbox must be a file")
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, future=True, poolclass=sa.pool.QueuePool,
                                  connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
    elif parsed.get_backend_name() in ("postgresql", "postgres"):
        # psycopg2 is what the Rasa image has; a restarted server leaves dead pooled
        # connections, which pre-ping replaces; a server that is down fails in seconds.
        engine = sa.create_engine(parsed.set(drivername="postgresql+psycopg2"), future=True,
                                  pool_pre_ping=True, connect_args={"connect_timeout": 5})
    else:
        raise ValueError("the outbox needs a sqlite:/// or postgresql:// URL")
    with writing(engine, lock_key(engine, "schema")) as conn:  # replicas start together
        metadata.create_all(conn)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event says when
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA busy_timeout=5000")


def _sqlite_begin(conn: Connection) -> None:
    # Writers lock the file when they begin, not at their first write: they take turns
    # instead of failing midway. Readers never wait (WAL).
    writer = conn.get_execution_options().get("writer", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def is_shared(engine: Engine) -> bool:
    """PostgreSQL: several processes, on several machines, use the same outbox."""
    return engine.dialect.name == "postgresql"


def lock_key(engine: Engine, purpose: str) -> Optional[int]:
    """A PostgreSQL advisory-lock key for this outbox table and purpose (None on SQLite).

    Keys are per database already; the schema is part of the name so that outboxes in two
    schemas of one database (the tests) never share a lock.
    """
    if not is_shared(engine):
        return None
    with engine.connect() as conn:
        schema = conn.execute(sa.select(sa.func.current_schema())).scalar()
    digest = hashlib.sha256(f"{schema}.{outbox.name}:{purpose}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def writing(engine: Engine, key: Optional[int] = None) -> Iterator[Connection]:
    """A write transaction; with a `key` (PostgreSQL), writers holding the same key take
    turns, so `seq` order is commit order."""
    with engine.connect() as conn:
        conn = conn.execution_options(writer=True)
        with conn.begin():
            if key is not None:
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
            yield conn


def insert_once(conn: Connection, row: Dict[str, Any]) -> None:
    """Inserts a row unless one with the same id is there (the insert is idempotent)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(outbox).values(**row)
                 .on_conflict_do_nothing(index_elements=["id"]))
