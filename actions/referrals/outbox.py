"""A durable outbox for referrals, handoffs and erasure requests.

Actions write here and return at once; the relay (relay.py) delivers rows to the backend
in order and deletes each only after the backend acknowledged it, so nothing is lost
while the backend is down and, since every row carries a stable id the backend
de-duplicates on, nothing is stored twice when it comes back. With no backend configured
the outbox is the local store of referrals. Payloads are encrypted at rest.

It lives in a SQLite file (one action-server process: a laptop, the tests) or in
PostgreSQL, where every replica writes to the same table and one relay at a time
delivers it (store.py, turn.py), so the order is the same for the whole service.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from cryptography.fernet import MultiFernet

from actions.referrals import store, turn
from actions.referrals.store import outbox as table

KINDS = ("referral", "handoff", "erase", "withdraw")


def conversation_key(conversation_id: str) -> str:
    """How the outbox finds a conversation's rows without storing its id in clear."""
    return hashlib.sha256(conversation_id.encode()).hexdigest()


@dataclass(frozen=True)
class OutboxRow:
    """One queued delivery, decrypted."""

    seq: int
    id: str
    kind: str
    payload: Dict[str, Any]
    attempts: int


class Outbox:
    """Pending deliveries; safe to share between threads, processes and (on PostgreSQL)
    replicas."""

    def __init__(self, url: str, cipher: MultiFernet) -> None:
        self.engine = store.open_engine(url)
        self.cipher = cipher
        self.shared = store.is_shared(self.engine)
        self._write_key = store.lock_key(self.engine, "write")
        self._relay_key = store.lock_key(self.engine, "relay")

    def close(self) -> None:
        """Closes the database connections."""
        self.engine.dispose()

    def relay_turn(self) -> turn.Turn:
        """A new claim on delivering this outbox; each relay has its own."""
        if self._relay_key is not None:
            return turn.AdvisoryLockTurn(self.engine, self._relay_key)
        return turn.FileLockTurn(Path(f"{self.engine.url.database}.relay-lock"))

    def _row(self, event_id: str, conversation_id: str, kind: str,
             payload: Dict[str, Any]) -> Dict[str, Any]:
        body = self.cipher.encrypt(json.dumps({**payload, "id": event_id}).encode())
        return {"id": event_id, "conversation_key": conversation_key(conversation_id),
                "kind": kind, "payload": body, "created_at": time.time()}

    def add(self, kind: str, conversation_id: str, payload: Dict[str, Any],
            event_id: Optional[str] = None) -> str:
        """Queues one delivery; returns its id (the backend's idempotency key)."""
        if kind not in KINDS:
            raise ValueError(f"unknown outbox kind {kind!r}")
        event_id = event_id or str(uuid.uuid4())
        with store.writing(self.engine, self._write_key) as conn:
            store.insert_once(conn, self._row(event_id, conversation_id, kind, payload))
        return event_id

    def erase(self, conversation_id: str, notify_backend: bool) -> int:
        """Drops a conversation's undelivered rows and, if there is a backend, queues a
        request to erase what it already holds. One transaction: all or nothing."""
        key = conversation_key(conversation_id)
        with store.writing(self.engine, self._write_key) as conn:
            dropped = conn.execute(table.delete().where(
                table.c.conversation_key == key, table.c.kind != "erase")).rowcount
            if notify_backend:
                event_id = str(uuid.uuid4())
                conn.execute(table.insert().values(**self._row(
                    event_id, conversation_id, "erase", {"conversation_id": conversation_id})))
        return dropped

    def due(self, limit: int = 50, now: Optional[float] = None) -> List[OutboxRow]:
        """Live rows in the order they were written (the relay keeps that order)."""
        query = (sa.select(table.c.seq, table.c.id, table.c.kind, table.c.payload,
                           table.c.attempts, table.c.next_attempt_at)
                 .where(table.c.dead == 0).order_by(table.c.seq).limit(limit))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        now = time.time() if now is None else now
        due: List[OutboxRow] = []
        for seq, event_id, kind, payload, attempts, next_at in rows:
            if next_at > now:
                break  # keep order: nothing after a row that is waiting to retry
            due.append(OutboxRow(seq, event_id, kind,
                                 json.loads(self.cipher.decrypt(bytes(payload))), attempts))
        return due

    def _update(self, statement: Any) -> int:
        with store.writing(self.engine) as conn:
            return conn.execute(statement).rowcount

    def delivered(self, seq: int) -> None:
        """The backend acknowledged this row: delete it."""
        self._update(table.delete().where(table.c.seq == seq))

    def retry_later(self, seq: int, delay: float) -> None:
        """A transient failure: try this row again after `delay` seconds."""
        self._update(table.update().where(table.c.seq == seq).values(
            attempts=table.c.attempts + 1, next_attempt_at=time.time() + delay))

    def give_up(self, seq: int) -> None:
        """The backend rejected this row for good; keep it for an operator, skip it."""
        self._update(table.update().where(table.c.seq == seq).values(dead=1))

    def purge_older_than(self, days: int) -> int:
        """The local store keeps referrals no longer than the retention period."""
        cutoff = time.time() - days * 86400
        return self._update(table.delete().where(table.c.created_at < cutoff))

    def count(self, conversation_id: Optional[str] = None, include_dead: bool = True) -> int:
        """How many rows are queued, for one conversation or all."""
        query = sa.select(sa.func.count()).select_from(table)
        if conversation_id is not None:
            query = query.where(table.c.conversation_key == conversation_key(conversation_id))
        if not include_dead:
            query = query.where(table.c.dead == 0)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
