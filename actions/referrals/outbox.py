"""A durable outbox for referrals, handoffs and erasure requests (SQLite, one file).

Actions write here and return at once; the relay (relay.py) delivers rows to the backend
in order and deletes each only after the backend acknowledged it, so nothing is lost
while the backend is down and, since every row carries a stable id the backend
de-duplicates on, nothing is stored twice when it comes back. With no backend configured
the outbox is the local store of referrals. Payloads are encrypted at rest.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from cryptography.fernet import MultiFernet

KINDS = ("referral", "handoff", "erase", "withdraw")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    conversation_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload BLOB NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    dead INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_conversation ON outbox (conversation_key);
"""


def conversation_key(conversation_id: str) -> str:
    """How the outbox finds a conversation's rows without storing its id in clear."""
    return hashlib.sha256(conversation_id.encode()).hexdigest()


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    id: str
    kind: str
    payload: Dict[str, Any]
    attempts: int


class Outbox:
    """Thread-safe, process-safe (SQLite WAL) queue of pending deliveries."""

    def __init__(self, path: Path, cipher: MultiFernet) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.cipher = cipher
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def add(self, kind: str, conversation_id: str, payload: Dict[str, Any],
            event_id: Optional[str] = None) -> str:
        """Queues one delivery; returns its id (the backend's idempotency key)."""
        if kind not in KINDS:
            raise ValueError(f"unknown outbox kind {kind!r}")
        event_id = event_id or str(uuid.uuid4())
        body = self.cipher.encrypt(json.dumps({**payload, "id": event_id}).encode())
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO outbox (id, conversation_key, kind, payload, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (event_id, conversation_key(conversation_id), kind, body, time.time()))
        return event_id

    def erase(self, conversation_id: str, notify_backend: bool) -> int:
        """Drops a conversation's undelivered rows and, if there is a backend, queues a
        request to erase what it already holds. One transaction: all or nothing."""
        key = conversation_key(conversation_id)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                dropped = self._db.execute(
                    "DELETE FROM outbox WHERE conversation_key = ? AND kind != 'erase'",
                    (key,)).rowcount
                if notify_backend:
                    body = self.cipher.encrypt(json.dumps(
                        {"id": str(uuid.uuid4()), "conversation_id": conversation_id}).encode())
                    self._db.execute(
                        "INSERT INTO outbox (id, conversation_key, kind, payload, created_at)"
                        " VALUES (?, ?, 'erase', ?, ?)",
                        (str(uuid.uuid4()), key, body, time.time()))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return dropped

    def due(self, limit: int = 50, now: Optional[float] = None) -> List[OutboxRow]:
        """Live rows in the order they were written (the relay keeps that order)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, id, kind, payload, attempts, next_attempt_at FROM outbox"
                " WHERE dead = 0 ORDER BY seq LIMIT ?", (limit,)).fetchall()
        now = time.time() if now is None else now
        due: List[OutboxRow] = []
        for seq, event_id, kind, payload, attempts, next_at in rows:
            if next_at > now:
                break  # keep order: nothing after a row that is waiting to retry
            due.append(OutboxRow(seq, event_id, kind,
                                 json.loads(self.cipher.decrypt(payload)), attempts))
        return due

    def delivered(self, seq: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))

    def retry_later(self, seq: int, delay: float) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE seq = ?",
                (time.time() + delay, seq))

    def give_up(self, seq: int) -> None:
        """The backend rejected this row for good; keep it for an operator, skip it."""
        with self._lock:
            self._db.execute("UPDATE outbox SET dead = 1 WHERE seq = ?", (seq,))

    def purge_older_than(self, days: int) -> int:
        """The local store keeps referrals no longer than the retention period."""
        cutoff = time.time() - days * 86400
        with self._lock:
            return self._db.execute(
                "DELETE FROM outbox WHERE created_at < ?", (cutoff,)).rowcount

    def count(self, conversation_id: Optional[str] = None, include_dead: bool = True) -> int:
        query = "SELECT COUNT(*) FROM outbox WHERE 1=1"
        args: List[Any] = []
        if conversation_id is not None:
            query += " AND conversation_key = ?"
            args.append(conversation_key(conversation_id))
        if not include_dead:
            query += " AND dead = 0"
        with self._lock:
            return self._db.execute(query, args).fetchone()[0]
