"""A conversation's case log: numbered entries, kept durably and encrypted at rest.

Entries are added, changed one field at a time, removed, cleared and listed in number
order. Numbers are stable: removing entry 2 leaves 1 and 3 as they were, and no number is
given twice in a conversation (until it is erased). References between entries (a
report's place, a re-upload's original) must name a place of the same log, and are
cleared when that place is removed. Logging a report about a place that was "not
reported" makes it "reported".

Nothing here logs: a log line could carry what the person told us.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any, Collection, Dict, List, Mapping, Optional

import sqlalchemy as sa
from cryptography.fernet import MultiFernet
from sqlalchemy.engine import Connection, Engine

from actions.caselog import entries as model
from actions.caselog.entries import Entry, Place, Record, Report
from actions.caselog.field_rules import FieldError, changed_record, make_record
from actions.caselog.tables import case_entries, case_numbers, conversation_key, writing

# More than any real case needs; a bound on what a hostile sender can store.
MAX_ENTRIES = 300
REFERENCES = {"reupload_of": "place", "place": "place"}


class EntryNotFound(LookupError):
    """No entry with that number in this conversation's log."""


class LogFull(RuntimeError):
    """The log holds MAX_ENTRIES entries already."""


def _utc(now: Optional[dt.datetime]) -> dt.datetime:
    return now.astimezone(dt.timezone.utc) if now else dt.datetime.now(dt.timezone.utc)


def _time(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


class CaseLog:
    """The case logs of every conversation, in one database."""

    def __init__(self, engine: Engine, cipher: MultiFernet, platform_ids: Collection[str],
                 max_entries: int = MAX_ENTRIES) -> None:
        self.engine = engine
        self.cipher = cipher
        self.platform_ids = frozenset(platform_ids)
        self.max_entries = max_entries

    # --- reading -------------------------------------------------------------------------

    def entries(self, conversation_id: str) -> List[Entry]:
        """Every entry of the conversation's log, in number order."""
        with self.engine.connect() as conn:
            return self._entries(conn, conversation_key(conversation_id))

    def entry(self, conversation_id: str, number: int) -> Entry:
        """One entry by its number (EntryNotFound if there is none)."""
        return _find(self.entries(conversation_id), number)

    def _entries(self, conn: Connection, key: str) -> List[Entry]:
        rows = conn.execute(
            sa.select(case_entries.c.number, case_entries.c.payload,
                      case_entries.c.created_at, case_entries.c.updated_at)
            .where(case_entries.c.conversation_key == key)
            .order_by(case_entries.c.number)).all()
        return [Entry(number, self._decrypt(payload), _time(created), _time(updated))
                for number, payload, created, updated in rows]

    def _decrypt(self, payload: bytes) -> Record:
        return model.from_json(json.loads(self.cipher.decrypt(bytes(payload))))

    def _encrypt(self, record: Record) -> bytes:
        return self.cipher.encrypt(json.dumps(model.to_json(record)).encode())

    # --- writing -------------------------------------------------------------------------

    def add(self, conversation_id: str, kind: str, values: Mapping[str, Any],
            now: Optional[dt.datetime] = None) -> Entry:
        """Adds a checked entry and returns it with its number. Raises FieldError for a
        value it will not keep, LogFull when the log is full."""
        now = _utc(now)
        record = make_record(kind, values, self.platform_ids, now)
        key = conversation_key(conversation_id)
        with writing(self.engine, key) as conn:
            current = self._entries(conn, key)
            if len(current) >= self.max_entries:
                raise LogFull("the log is full")
            self._check_references(record, current)
            number = self._next_number(conn, key, now.timestamp())
            conn.execute(case_entries.insert().values(
                conversation_key=key, number=number, payload=self._encrypt(record),
                created_at=now.timestamp(), updated_at=now.timestamp()))
            if isinstance(record, Report) and record.place is not None:
                self._mark_reported(conn, key, current, record.place, now)
        return Entry(number, record, now, now)

    def change(self, conversation_id: str, number: int, field: str, value: Any,
               now: Optional[dt.datetime] = None) -> Entry:
        """Changes one field of one entry (None clears it) and returns the entry."""
        now = _utc(now)
        key = conversation_key(conversation_id)
        with writing(self.engine, key) as conn:
            current = self._entries(conn, key)
            entry = _find(current, number)
            record = changed_record(entry.kind, entry.record, field, value,
                                    self.platform_ids, now)
            self._check_references(record, [e for e in current if e.number != number])
            self._store(conn, key, number, record, now)
            if isinstance(record, Report) and field == "place" and record.place is not None:
                self._mark_reported(conn, key, current, record.place, now)
        return replace(entry, record=record, updated_at=now)

    def remove(self, conversation_id: str, number: int,
               now: Optional[dt.datetime] = None) -> Entry:
        """Removes one entry and returns what it was; entries that named it (as their
        place, or as the original of a re-upload) no longer do."""
        now = _utc(now)
        key = conversation_key(conversation_id)
        with writing(self.engine, key) as conn:
            current = self._entries(conn, key)
            entry = _find(current, number)
            conn.execute(case_entries.delete().where(
                case_entries.c.conversation_key == key, case_entries.c.number == number))
            self._touch(conn, key, now.timestamp())
            for other in current:
                unlinked = {name: None for name in REFERENCES
                            if getattr(other.record, name, None) == number}
                if unlinked:
                    self._store(conn, key, other.number, replace(other.record, **unlinked), now)
        return entry

    def clear(self, conversation_id: str) -> int:
        """Removes every entry; numbering goes on from the last number given."""
        key = conversation_key(conversation_id)
        with writing(self.engine, key) as conn:
            return conn.execute(case_entries.delete().where(
                case_entries.c.conversation_key == key)).rowcount

    def erase(self, conversation_id: str) -> int:
        """Forgets the conversation's log entirely, its numbering too."""
        key = conversation_key(conversation_id)
        with writing(self.engine, key) as conn:
            conn.execute(case_numbers.delete().where(case_numbers.c.conversation_key == key))
            return conn.execute(case_entries.delete().where(
                case_entries.c.conversation_key == key)).rowcount

    def purge_older_than(self, days: int, now: Optional[dt.datetime] = None) -> int:
        """Forgets every log not changed for `days` days, whole (a log is kept or goes
        as one: half a log is no evidence). Returns how many entries went."""
        cutoff = _utc(now).timestamp() - days * 86400
        stale = case_numbers.c.updated_at < cutoff
        with self.engine.connect() as conn:
            keys = [row[0] for row in conn.execute(
                sa.select(case_numbers.c.conversation_key).where(stale))]
        removed = 0
        for key in keys:
            with writing(self.engine, key) as conn:  # unless it changed meanwhile
                if conn.execute(case_numbers.delete().where(
                        case_numbers.c.conversation_key == key, stale)).rowcount:
                    removed += conn.execute(case_entries.delete().where(
                        case_entries.c.conversation_key == key)).rowcount
        return removed

    # --- helpers -------------------------------------------------------------------------

    def _store(self, conn: Connection, key: str, number: int, record: Record,
               now: dt.datetime) -> None:
        conn.execute(case_entries.update().where(
            case_entries.c.conversation_key == key, case_entries.c.number == number)
            .values(payload=self._encrypt(record), updated_at=now.timestamp()))
        self._touch(conn, key, now.timestamp())

    def _next_number(self, conn: Connection, key: str, now: float) -> int:
        last = conn.execute(sa.select(case_numbers.c.last_number)
                            .where(case_numbers.c.conversation_key == key)).scalar()
        if last is None:
            conn.execute(case_numbers.insert().values(conversation_key=key, last_number=1,
                                                      updated_at=now))
            return 1
        conn.execute(case_numbers.update().where(case_numbers.c.conversation_key == key)
                     .values(last_number=last + 1, updated_at=now))
        return last + 1

    def _touch(self, conn: Connection, key: str, now: float) -> None:
        conn.execute(case_numbers.update().where(case_numbers.c.conversation_key == key)
                     .values(updated_at=now))

    def _mark_reported(self, conn: Connection, key: str, current: List[Entry],
                       place_number: int, now: dt.datetime) -> None:
        place = _find(current, place_number)
        if isinstance(place.record, Place) and place.record.status == model.NOT_REPORTED:
            self._store(conn, key, place_number, replace(place.record, status=model.REPORTED),
                        now)

    @staticmethod
    def _check_references(record: Record, others: List[Entry]) -> None:
        kinds: Dict[int, str] = {e.number: e.kind for e in others}
        for name, wanted in REFERENCES.items():
            number = getattr(record, name, None)
            if number is not None and kinds.get(number) != wanted:
                raise FieldError(name, "no_such_place")


def _find(current: List[Entry], number: int) -> Entry:
    for entry in current:
        if entry.number == number:
            return entry
    raise EntryNotFound(number)
