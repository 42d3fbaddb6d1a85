"""The backend's tables, as typed SQLAlchemy 2.x models.

Columns ending in `_enc` hold Fernet tokens (see crypto.py), never plaintext. Times are
stored as naive UTC and come back timezone-aware, the same on SQLite and PostgreSQL.
Identifiers are random UUIDs, so a URL never reveals how many cases exist.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, naive UTC in the database, aware UTC out."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        """Stored as naive UTC; a naive value is refused, since its zone is unknown."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        """Read back as aware UTC, so comparisons with the clock are safe."""
        if value is None:
            return None
        stored: dt.datetime = value
        return stored.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Declarative base with stable constraint names, so migrations are reproducible."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {dt.datetime: UtcDateTime(), uuid.UUID: Uuid()}


def table_of(model: type[Base]) -> Table:
    """The Core table behind a model, for multi-row INSERTs that skip the unit of work."""
    return cast(Table, model.__table__)


class StaffUser(Base):
    """A charity staff member who signs in to the dashboard."""

    __tablename__ = "staff_users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    totp_secret_enc: Mapped[str | None] = mapped_column(Text)
    # The last TOTP time step accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]


class RecoveryCode(Base):
    """A one-time code that stands in for the authenticator, shown once, kept hashed."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    # Argon2id, as passwords: a copy of the database does not give the codes away.
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime]


class StaffSession(Base):
    """A server-side login session; the cookie holds a token whose SHA-256 is the id."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    # False until the second factor is given by a user whose role requires one.
    mfa_passed: Mapped[bool] = mapped_column(Boolean)
    totp_pending_enc: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime] = mapped_column(index=True)


class Referral(Base):
    """What the assistant learned about one conversation, and what it offered."""

    __tablename__ = "referrals"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    conversation_hash: Mapped[str] = mapped_column(String(64), unique=True)
    conversation_id_enc: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime]
    # When the event that set the current triage values was created (events may arrive late).
    triage_at: Mapped[dt.datetime]
    # When the backend last heard about this conversation; retention counts from here.
    last_event_at: Mapped[dt.datetime] = mapped_column(index=True)
    jurisdiction: Mapped[str | None] = mapped_column(String(8))
    age_band: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    situation: Mapped[str] = mapped_column(String(16))
    perpetrator: Mapped[str] = mapped_column(String(16))
    risk_flags: Mapped[list[str]] = mapped_column(JSON)
    routes_offered: Mapped[list[str]] = mapped_column(JSON)
    services_offered: Mapped[list[str]] = mapped_column(JSON)
    platforms: Mapped[list[str]] = mapped_column(JSON)
    # Priority level from the risk flags alone (1 is most urgent); see staff/priority.py.
    risk_level: Mapped[int] = mapped_column(SmallInteger)
    consent: Mapped[bool] = mapped_column(Boolean)
    consent_at: Mapped[dt.datetime | None]
    # When the person last left on purpose (quick exit, Telegram /clear or /delete): staff
    # messages are not sent to them after it unless they write again.
    left_at: Mapped[dt.datetime | None]


class Handoff(Base):
    """A victim's request for a person, and what staff did about it."""

    __tablename__ = "handoffs"
    __table_args__ = (Index("ix_handoffs_status_requested_at", "status", "requested_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    referral_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    requested_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(16))
    # Cleared when the victim withdraws: without consent staff have no reason to keep them.
    summary_enc: Mapped[str | None] = mapped_column(Text)
    contact_method: Mapped[str] = mapped_column(String(8))
    contact_details_enc: Mapped[str | None] = mapped_column(Text)
    safe_time_enc: Mapped[str | None] = mapped_column(Text)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), index=True
    )
    claimed_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(32))
    # Set while the case holder has taken over the live conversation (Rasa is quiet).
    takeover_at: Mapped[dt.datetime | None]


class Note(Base):
    """A staff member's note on a handoff."""

    __tablename__ = "notes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    handoff_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime]
    body_enc: Mapped[str] = mapped_column(Text)


class PendingErasure(Base):
    """A "delete my data" that failed here (the tracker store or a grant was refused): kept,
    encrypted, until a retry succeeds, and shown to admins on the queue page."""

    __tablename__ = "pending_erasures"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    conversation_hash: Mapped[str] = mapped_column(String(64), unique=True)
    conversation_id_enc: Mapped[str] = mapped_column(Text)
    first_failed_at: Mapped[dt.datetime]
    last_attempt_at: Mapped[dt.datetime]
    attempts: Mapped[int] = mapped_column(Integer)
    # The failure's type name only (OperationalError, InsufficientPrivilege...): no data.
    last_error: Mapped[str] = mapped_column(String(64))


class AuditEntry(Base):
    """Who did what to which object, when; never message text or contact details."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_actor_action_at", "actor_id", "action", "at"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[dt.datetime] = mapped_column(index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(48))
    object_type: Mapped[str | None] = mapped_column(String(24))
    object_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(8))
    detail: Mapped[str | None] = mapped_column(String(200))


class AppliedEvent(Base):
    """An ingest event id already applied, and its result, so a replay changes nothing.

    Kept after the conversation is erased (it holds no personal data), so a late replay
    cannot bring erased data back; purged with everything else after the retention period.
    """

    __tablename__ = "ingest_events"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    referral_id: Mapped[uuid.UUID]
    handoff_id: Mapped[uuid.UUID | None]
    received_at: Mapped[dt.datetime] = mapped_column(index=True)


class AggregateCount(Base):
    """Anonymous weekly counts for the stats page; they survive purges and erasure."""

    __tablename__ = "aggregate_counts"

    week: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(48), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
