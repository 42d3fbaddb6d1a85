"""Rasa's SQL tracker store, made fit for conversations about abuse.

- Every event is encrypted at rest (Fernet; TRACKER_ENCRYPTION_KEYS holds comma-separated
  keys, the first encrypts and all decrypt, so keys can be rotated: tracker_cipher.py).
- The plain-text `intent_name` and `action_name` columns are left empty: an intent such
  as `crisis_self_harm` in clear text would say too much.
- When `action_erase_conversation` has run, saving the tracker deletes every stored event
  of that conversation instead of appending: "delete my data" really erases it. The
  deletion is tracker_rows.py's, the same code the backend's erasure and purge run.
- SQLite (the laptop default) runs in WAL mode with a busy timeout and pooled connections.
- The last saved trackers are kept in memory, so the next message of a conversation skips
  decrypting and replaying every event. The copy is used only if the database still holds
  exactly what was saved (same count, newest id and newest timestamp of the session's
  events), so a message handled by another Rasa server, an erasure or a retention purge
  is always seen. When the database holds what was saved plus newer events (the
  conversation's last message went to another Rasa server), only those are read and
  applied to the copy, which is what a full load would have replayed anyway.

Configured in endpoints.yml as `type: bot.assistant.tracker_store.ProtectedSQLTrackerStore`.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from typing import Any, List, Optional, Text, Tuple

import sqlalchemy as sa
from cryptography.fernet import InvalidToken
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import (
    ActionExecuted,
    Event,
    SessionStarted,
    deserialise_events,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.assistant import tracker_rows
from bot.assistant.tracker_cipher import cipher_from_env

logger = logging.getLogger(__name__)

ERASE_ACTION = "action_erase_conversation"
CACHE_SIZE = 512
# Set on trackers this store returns: what the database held when they were loaded.
LOADED_ATTR = "_protected_store_loaded"

# (number of events in the latest session, newest event id, newest timestamp)
Fingerprint = Tuple[int, Optional[int], Optional[float]]
_FINGERPRINT = sa.text("""
    SELECT count(id), max(id), max(timestamp) FROM events
    WHERE sender_id = :sender AND (
        timestamp >= (SELECT max(timestamp) FROM events
                      WHERE sender_id = :sender AND type_name = :started)
        OR NOT EXISTS (SELECT 1 FROM events
                       WHERE sender_id = :sender AND type_name = :started))""")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class ProtectedSQLTrackerStore(SQLTrackerStore):
    """An encrypting, erasable SQL tracker store."""

    def __init__(self, *args: Any, encryption_keys: Optional[str] = None,
                 cache_size: int = CACHE_SIZE, **kwargs: Any) -> None:
        self.cipher = cipher_from_env(encryption_keys)
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # Rasa opens a new SQLite connection for every query; a small pool of
            # connections with the pragmas set once is several times faster.
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=4,
                                           connect_args={"check_same_thread": False})
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        elif self.engine.dialect.name == "postgresql":
            # Rasa's engine does not test pooled connections: after a database restart
            # the next message would fail on a dead connection.
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.cache_size = cache_size
        self._cache: "OrderedDict[str, Tuple[Fingerprint, DialogueStateTracker]]" = OrderedDict()


    def encrypt(self, event: Event) -> str:
        """One event as stored: encrypted JSON."""
        return self.cipher.encrypt(json.dumps(event.as_dict()).encode()).decode()

    def decrypt(self, data: str) -> dict:
        """One stored event back as a dict (old keys still decrypt)."""
        try:
            return json.loads(self.cipher.decrypt(data.encode()))
        except InvalidToken:
            if data.startswith("{"):  # written before encryption was switched on
                return json.loads(data)
            raise

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's hook: stores new events encrypted, erasing the conversation on request."""
        await self.stream_events(tracker)
        loaded: Optional[Fingerprint] = getattr(tracker, LOADED_ATTR, None)
        with self.session_scope() as session:
            if loaded is not None:  # we know what is stored: no need to count it again
                new_events = list(tracker.events)[loaded[0]:]
            else:
                new_events = list(self._additional_events(session, tracker))
            if _erasure_requested(new_events):
                self._cache.pop(tracker.sender_id, None)
                deleted = self._delete_all(session, tracker.sender_id)
                logger.info("conversation erased on request (%d events)", deleted)
                return
            rows = [self.SQLEvent(
                sender_id=tracker.sender_id,
                type_name=event.type_name,
                timestamp=event.timestamp,
                intent_name=None,
                action_name=None,
                data=self.encrypt(event),
            ) for event in new_events]
            session.add_all(rows)
            session.flush()
            if loaded is not None and rows:
                self._remember(tracker, (
                    loaded[0] + len(rows),
                    max(row.id for row in rows),
                    max([e.timestamp for e in new_events] + [loaded[2] or 0.0])))
            session.commit()

    def _remember(self, tracker: DialogueStateTracker, fingerprint: Fingerprint) -> None:
        # The caller is done with the tracker once it is saved, so it is kept as it is.
        setattr(tracker, LOADED_ATTR, fingerprint)
        self._cache[tracker.sender_id] = (fingerprint, tracker)
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _fingerprint(self, session: Any, sender_id: Text) -> Fingerprint:
        # Rasa's _event_query for the latest session, as plain SQL: it runs for every
        # message, and building the ORM query cost more than running it.
        count, newest_id, newest_ts = session.execute(_FINGERPRINT, {
            "sender": sender_id, "started": SessionStarted.type_name}).one()
        return int(count), newest_id, newest_ts

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """Rasa's hook: the tracker since the session began, from memory when still current."""
        cached = self._cache.pop(sender_id, None)
        with self.session_scope() as session:
            if cached is not None:
                stored = self._fingerprint(session, sender_id)
                if stored == cached[0]:
                    return cached[1]  # popped: the caller owns it until it saves again
                caught_up = self._catch_up(session, sender_id, cached, stored)
                if caught_up is not None:
                    return caught_up
            rows = self._event_query(session, sender_id,
                                     fetch_events_from_all_sessions=False).all()
            events = [self.decrypt(row.data) for row in rows]
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, LOADED_ATTR, (len(rows), max(r.id for r in rows),
                                       max(r.timestamp or 0.0 for r in rows)))
        return tracker

    def _catch_up(self, session: Any, sender_id: Text,
                  cached: Tuple[Fingerprint, DialogueStateTracker], stored: Fingerprint
                  ) -> Optional[DialogueStateTracker]:
        """The cached tracker with the events saved since by another server, if the
        database holds exactly the cached events plus newer ones (Rasa orders events by
        id); None when anything else changed (a new session, an erasure, a purge)."""
        (count, newest_id, _), tracker = cached
        if newest_id is None or stored[1] is None or stored[0] <= count:
            return None
        rows = (self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
                .filter(self.SQLEvent.id > newest_id).all())  # Rasa orders by id
        if count + len(rows) != stored[0]:
            return None
        for event in deserialise_events([self.decrypt(row.data) for row in rows]):
            tracker.update(event)
        setattr(tracker, LOADED_ATTR, stored)
        return tracker

    async def retrieve_full_tracker(self, conversation_id: Text
                                    ) -> Optional[DialogueStateTracker]:
        """Rasa's hook: the whole conversation, for the HTTP API and the case page."""
        return await self._retrieve(conversation_id, fetch_events_from_all_sessions=True)

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
        deleted = tracker_rows.erase_conversation(session.connection(), sender_id)
        session.commit()
        return deleted


def _erasure_requested(events: List[Event]) -> bool:
    return any(isinstance(e, ActionExecuted) and e.action_name == ERASE_ACTION
               for e in events)
