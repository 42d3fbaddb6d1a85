"""Rasa's SQL tracker store, made fit for conversations about abuse.

- Every event is encrypted at rest (Fernet; TRACKER_ENCRYPTION_KEYS holds comma-separated
  keys, the first encrypts and all decrypt, so keys can be rotated).
- The plain-text `intent_name` and `action_name` columns are left empty: an intent such
  as `crisis_self_harm` in clear text would say too much.
- When `action_erase_conversation` has run, saving the tracker deletes every stored event
  of that conversation instead of appending: "delete my data" really erases it.
- SQLite (the laptop default) runs in WAL mode with a busy timeout.

Configured in endpoints.yml as `type: bot.assistant.tracker_store.ProtectedSQLTrackerStore`.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, List, Optional, Text

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

ERASE_ACTION = "action_erase_conversation"
KEYS_ENV = "TRACKER_ENCRYPTION_KEYS"


class TrackerStoreConfigError(RuntimeError):
    pass


def cipher_from_env(value: Optional[str] = None) -> MultiFernet:
    raw = value if value is not None else os.environ.get(KEYS_ENV, "")
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    if not keys:
        raise TrackerStoreConfigError(
            f"{KEYS_ENV} is not set: conversations must be encrypted at rest. "
            "Generate a key with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'")
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as exc:
        raise TrackerStoreConfigError(f"{KEYS_ENV} holds an invalid key: {exc}") from exc


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class ProtectedSQLTrackerStore(SQLTrackerStore):
    """An encrypting, erasable SQL tracker store."""

    def __init__(self, *args: Any, encryption_keys: Optional[str] = None,
                 **kwargs: Any) -> None:
        self.cipher = cipher_from_env(encryption_keys)
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            # Connections opened before the listener existed get the pragmas now.
            self.engine.dispose()

    def encrypt(self, event: Event) -> str:
        return self.cipher.encrypt(json.dumps(event.as_dict()).encode()).decode()

    def decrypt(self, data: str) -> dict:
        try:
            return json.loads(self.cipher.decrypt(data.encode()))
        except InvalidToken:
            if data.startswith("{"):  # written before encryption was switched on
                return json.loads(data)
            raise

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            if _erasure_requested(new_events):
                deleted = self._delete_all(session, tracker.sender_id)
                logger.info("conversation erased on request (%d events)", deleted)
                return
            for event in new_events:
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id,
                    type_name=event.type_name,
                    timestamp=event.timestamp,
                    intent_name=None,
                    action_name=None,
                    data=self.encrypt(event),
                ))
            session.commit()

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool
                        ) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            rows = self._event_query(
                session, sender_id,
                fetch_events_from_all_sessions=fetch_events_from_all_sessions).all()
            events = [self.decrypt(row.data) for row in rows]
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _delete_all(self, session: Any, sender_id: Text) -> int:
        """Deletes every stored event of a conversation, in all sessions; returns how many."""
        deleted = (session.query(self.SQLEvent)
                   .filter(self.SQLEvent.sender_id == sender_id)
                   .delete(synchronize_session=False))
        session.commit()
        return deleted


def _erasure_requested(events: List[Event]) -> bool:
    return any(isinstance(e, ActionExecuted) and e.action_name == ERASE_ACTION
               for e in events)
