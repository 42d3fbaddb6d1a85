"""Reminders a person asked for, kept durably so a restart does not lose them.

Rasa 3.6 keeps its own reminders in memory; these live in the outbox database beside the
case log (tables.py). A reminder says when, and what about: an entry of the log, free text
of up to 100 characters, or both. Only the due time is in clear (to find what is due);
the conversation id and what it is about are encrypted.

Delivery is reminder_runner.py's: it claims a due reminder (so two runners never both
send it), sends it, and only then marks it sent, which forgets it. A send that fails is
tried again later, a few times, then dropped. Cancelling and erasure delete.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from cryptography.fernet import MultiFernet
from sqlalchemy.engine import Engine

from actions.caselog.field_rules import FieldError, clean_number, clean_text
from actions.caselog.tables import case_reminders, conversation_key, writing

MAX_TEXT = 100
# "Never more than the person asked for": a few at a time, none far ahead.
MAX_PENDING = 10
MAX_AHEAD = dt.timedelta(days=90)


class TooManyReminders(RuntimeError):
    """The conversation has MAX_PENDING reminders waiting already."""


@dataclass(frozen=True)
class Reminder:
    """A reminder, decrypted."""

    id: str
    conversation_id: str
    due_at: dt.datetime
    entry: Optional[int]        # the number of the log entry it is about
    text: Optional[str]         # what it is about, in the person's words
    created_at: dt.datetime
    attempts: int = 0


def _utc(now: Optional[dt.datetime]) -> dt.datetime:
    return now.astimezone(dt.timezone.utc) if now else dt.datetime.now(dt.timezone.utc)


def _time(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


class ReminderStore:
    """Every conversation's reminders, in one database."""

    def __init__(self, engine: Engine, cipher: MultiFernet,
                 max_pending: int = MAX_PENDING) -> None:
        self.engine = engine
        self.cipher = cipher
        self.max_pending = max_pending

    def add(self, conversation_id: str, due_at: dt.datetime, entry: Optional[int] = None,
            text: Optional[str] = None, now: Optional[dt.datetime] = None) -> Reminder:
        """Keeps a reminder due at `due_at` (with a time zone; in the future, at most
        MAX_AHEAD away) about an entry number and/or text. Raises FieldError for a value
        it will not keep, TooManyReminders past MAX_PENDING."""
        now = _utc(now)
        if not isinstance(due_at, dt.datetime) or due_at.utcoffset() is None:
            raise FieldError("due_at", "no_time_zone")
        due_at = due_at.astimezone(dt.timezone.utc)
        if due_at <= now:
            raise FieldError("due_at", "in_the_past")
        if due_at > now + MAX_AHEAD:
            raise FieldError("due_at", "too_far_ahead")
        entry = None if entry is None else clean_number(entry, "entry")
        text = None if text is None else clean_text(text, "text", MAX_TEXT)
        if entry is None and text is None:
            raise FieldError("reminder", "empty")
        reminder = Reminder(str(uuid.uuid4()), conversation_id, due_at, entry, text, now)
        key = conversation_key(conversation_id)
        with writing(self.engine, key) as conn:
            waiting = conn.execute(sa.select(sa.func.count()).select_from(case_reminders)
                                   .where(case_reminders.c.conversation_key == key)).scalar()
            if waiting >= self.max_pending:
                raise TooManyReminders("too many reminders")
            conn.execute(case_reminders.insert().values(
                id=reminder.id, conversation_key=key, payload=self._encrypt(reminder),
                due_at=due_at.timestamp(), created_at=now.timestamp()))
        return reminder

    def pending(self, conversation_id: str) -> List[Reminder]:
        """The conversation's reminders not yet sent, soonest first."""
        query = (self._select()
                 .where(case_reminders.c.conversation_key == conversation_key(conversation_id))
                 .order_by(case_reminders.c.due_at, case_reminders.c.created_at))
        return self._read(query)

    def due(self, now: dt.datetime, limit: int = 50) -> List[Reminder]:
        """Reminders due by `now` that no runner is delivering or waiting to retry."""
        at = _utc(now).timestamp()
        query = (self._select()
                 .where(case_reminders.c.due_at <= at,
                        case_reminders.c.next_attempt_at <= at,
                        case_reminders.c.claimed_until <= at)
                 .order_by(case_reminders.c.due_at).limit(limit))
        return self._read(query)

    def claim(self, reminder_id: str, now: dt.datetime, lease: dt.timedelta) -> bool:
        """Takes a due reminder for delivery until `now + lease`; False if another runner
        has it, or it is gone (sent, cancelled)."""
        at = _utc(now).timestamp()
        with writing(self.engine, "reminders") as conn:
            return conn.execute(case_reminders.update().where(
                case_reminders.c.id == reminder_id, case_reminders.c.claimed_until <= at,
                case_reminders.c.next_attempt_at <= at)
                .values(claimed_until=at + lease.total_seconds())).rowcount == 1

    def mark_sent(self, reminder_id: str) -> bool:
        """The reminder was delivered: forget it. False if it was already gone."""
        return self._delete(case_reminders.c.id == reminder_id) == 1

    def retry_later(self, reminder_id: str, at: dt.datetime) -> None:
        """A send failed: count the attempt, release the claim, try again at `at`."""
        with writing(self.engine, "reminders") as conn:
            conn.execute(case_reminders.update().where(case_reminders.c.id == reminder_id)
                         .values(attempts=case_reminders.c.attempts + 1, claimed_until=0,
                                 next_attempt_at=_utc(at).timestamp()))

    def give_up(self, reminder_id: str) -> bool:
        """Sending failed too often (the person may have left the chat): drop it."""
        return self._delete(case_reminders.c.id == reminder_id) == 1

    def cancel(self, conversation_id: str, reminder_id: str) -> bool:
        """Cancels one of the conversation's reminders; False if it has no such reminder."""
        return self._delete(case_reminders.c.id == reminder_id,
                            case_reminders.c.conversation_key
                            == conversation_key(conversation_id)) == 1

    def cancel_all(self, conversation_id: str) -> int:
        """Cancels every reminder of the conversation (/delete, /clear, "stop reminders",
        erasure); returns how many."""
        return self._delete(case_reminders.c.conversation_key
                            == conversation_key(conversation_id))

    def purge_older_than(self, days: int, now: Optional[dt.datetime] = None) -> int:
        """Drops reminders made more than `days` days ago, sent or not."""
        cutoff = _utc(now).timestamp() - days * 86400
        return self._delete(case_reminders.c.created_at < cutoff)

    # --- helpers -------------------------------------------------------------------------

    def _delete(self, *conditions: Any) -> int:
        with writing(self.engine, "reminders") as conn:
            return conn.execute(case_reminders.delete().where(*conditions)).rowcount

    @staticmethod
    def _select() -> Any:
        return sa.select(case_reminders.c.id, case_reminders.c.payload,
                         case_reminders.c.due_at, case_reminders.c.created_at,
                         case_reminders.c.attempts)

    def _read(self, query: Any) -> List[Reminder]:
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        reminders = []
        for reminder_id, payload, due_at, created_at, attempts in rows:
            data: Dict[str, Any] = json.loads(self.cipher.decrypt(bytes(payload)))
            reminders.append(Reminder(reminder_id, data["conversation_id"], _time(due_at),
                                      data.get("entry"), data.get("text"),
                                      _time(created_at), attempts))
        return reminders

    def _encrypt(self, reminder: Reminder) -> bytes:
        return self.cipher.encrypt(json.dumps({
            "conversation_id": reminder.conversation_id, "entry": reminder.entry,
            "text": reminder.text}).encode())


def wall_clock() -> dt.datetime:
    """The current time in UTC (the runner's default clock)."""
    return dt.datetime.fromtimestamp(time.time(), dt.timezone.utc)
