"""The case file's tables, in the action server's outbox database.

The same database as the referral outbox (a SQLite file on a laptop, PostgreSQL when
OUTBOX_DATABASE_URL is set) and the same engine settings (actions/referrals/store.py:
WAL and a busy timeout on SQLite, pre-ping on PostgreSQL). Only what a query needs is in
clear: a hash of the conversation id, entry numbers and times. Everything the person
told us, and the conversation id itself, is in `payload`, encrypted with the tracker
store's keys.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from actions.referrals import store as outbox_store
from actions.referrals.outbox import conversation_key

metadata = sa.MetaData()

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# One row per entry; `number` is what the person sees, stable for the conversation.
case_entries = sa.Table(
    "case_entries", metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("conversation_key", sa.Text, nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.UniqueConstraint("conversation_key", "number", name="case_entries_number"),
)

# The last number given in each conversation, so a removed entry's number is never
# reused (a reminder or a report that names it cannot come to mean another entry).
case_numbers = sa.Table(
    "case_numbers", metadata,
    sa.Column("conversation_key", sa.Text, primary_key=True),
    sa.Column("last_number", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

case_reminders = sa.Table(
    "case_reminders", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("conversation_key", sa.Text, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
    sa.Column("due_at", sa.Float, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.Float, nullable=False, server_default="0"),
    # While a runner is delivering it, no other runner takes it (until this time).
    sa.Column("claimed_until", sa.Float, nullable=False, server_default="0"),
    sa.Index("case_reminders_conversation", "conversation_key"),
    sa.Index("case_reminders_due", "due_at"),
)


# A copy of the log made for download: kept encrypted for a few minutes, given once.
# `id` is a hash of the single-use token, so the table alone cannot open a download.
case_documents = sa.Table(
    "case_documents", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("conversation_key", sa.Text, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Index("case_documents_conversation", "conversation_key"),
)


# Whose log the charity's team may read: a conversation's consent, until withdrawn.
case_sharing = sa.Table(
    "case_sharing", metadata,
    sa.Column("conversation_key", sa.Text, primary_key=True),
    sa.Column("shared_at", sa.Float, nullable=False),
)


def open_case_database(url: str) -> Engine:
    """An engine on the outbox database (sqlite:/// or postgresql://) with the case
    file's tables created."""
    engine = outbox_store.open_engine(url)
    with writing(engine, "schema") as conn:
        metadata.create_all(conn)
    return engine


@contextmanager
def writing(engine: Engine, scope: str) -> Iterator[Connection]:
    """A write transaction. Writers with the same `scope` (a conversation's key, or
    "schema") take turns: SQLite's BEGIN IMMEDIATE already makes every writer wait; on
    PostgreSQL an advisory lock on the scope does, so numbering never races."""
    key = None
    if outbox_store.is_shared(engine):
        digest = hashlib.sha256(f"case_file:{scope}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
    with outbox_store.writing(engine, key) as conn:
        yield conn


__all__ = ["case_documents", "case_sharing", "case_entries", "case_numbers", "case_reminders",
           "conversation_key",
           "open_case_database", "writing"]
