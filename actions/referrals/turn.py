"""Whose turn it is to deliver: one relay at a time per outbox, so delivery keeps one order.

Every action-server process runs a relay; only the one holding the outbox's relay lock
delivers, the others stand by and try again. If the holder dies, the lock is freed with it:

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a connection kept
  for the purpose. A dead process's connection closes and the server frees the lock. A
  connection lost while the process lives loses the lock too, so the holder checks its
  connection before each delivery and stops at once if it is gone.
- SQLite: an exclusive `flock` on a file beside the database, freed by the kernel when the
  process dies (two processes on one machine).
"""

from __future__ import annotations

import fcntl
import logging
from pathlib import Path
from typing import IO, Optional, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

logger = logging.getLogger(__name__)


class Turn(Protocol):
    """One relay's claim on delivering an outbox."""

    def take(self) -> bool:
        """True if this relay has the turn: kept from before, or free and taken now."""

    def held(self) -> bool:
        """True while this relay still has the turn (never takes it)."""

    def release(self) -> None:
        """Gives the turn up, for another relay to take."""


class AdvisoryLockTurn:
    """The turn, held as a PostgreSQL session-level advisory lock."""

    def __init__(self, engine: Engine, key: int) -> None:
        self.engine = engine
        self.key = key
        self._conn: Optional[Connection] = None

    def take(self) -> bool:
        """True if this relay has the turn: kept from before, or free and taken now."""
        if self.held():
            return True
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            taken = conn.execute(sa.select(sa.func.pg_try_advisory_lock(self.key))).scalar()
        except BaseException:
            conn.close()
            raise
        if taken:
            self._conn = conn
            return True
        conn.close()
        return False

    def held(self) -> bool:
        """Still ours: the lock lives exactly as long as its connection."""
        if self._conn is None:
            return False
        try:
            self._conn.execute(sa.text("SELECT 1"))
            return True
        except sa.exc.DBAPIError:
            logger.warning("outbox relay lost its lock with its connection; standing by")
            self._forget(invalidate=True)
            return False

    def release(self) -> None:
        """Gives the turn up, for another relay to take."""
        if self._conn is None:
            return
        try:
            self._conn.execute(sa.select(sa.func.pg_advisory_unlock(self.key)))
        except sa.exc.DBAPIError:
            self._forget(invalidate=True)  # gone already, and the lock with it
            return
        self._forget(invalidate=False)

    def _forget(self, invalidate: bool) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if invalidate:
                conn.invalidate()  # never hand a dead connection back to the pool
            conn.close()
        except sa.exc.DBAPIError:
            pass


class FileLockTurn:
    """The turn, held as an exclusive lock on a file beside the SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: Optional[IO[bytes]] = None

    def take(self) -> bool:
        """True if this relay has the turn: kept from before, or free and taken now."""
        if self._file is not None:
            return True
        handle = open(self.path, "ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def held(self) -> bool:
        """True while this relay holds the file lock."""
        return self._file is not None

    def release(self) -> None:
        """Gives the turn up, for another relay to take."""
        if self._file is not None:
            self._file.close()  # closing the file frees the lock
            self._file = None
