"""The audit log: who viewed, changed, exported or deleted what, and when.

Entries name actions and object ids, never message text, contact details or conversation
ids (OWASP ASVS 7.1). They are written in the same transaction as the change they record,
so a change is never left unaudited and an audited change is never half done.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.backend.storage.models import AuditEntry, table_of


@dataclass(frozen=True)
class Actor:
    """Who acted: a staff member, the action server, the backend itself, or nobody known."""

    kind: str
    id: uuid.UUID | None = None


SERVICE = Actor("service")
SYSTEM = Actor("system")
ANONYMOUS = Actor("anonymous")


def staff(user_id: uuid.UUID) -> Actor:
    """A signed-in staff member."""
    return Actor("staff", user_id)


def entry(
    actor: Actor,
    action: str,
    at: dt.datetime,
    *,
    object_type: str | None = None,
    object_id: uuid.UUID | None = None,
    outcome: str = "ok",
    detail: str | None = None,
) -> dict[str, Any]:
    """One audit row's values."""
    return {
        "at": at,
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "outcome": outcome,
        "detail": detail,
    }


def record(
    session: AsyncSession,
    actor: Actor,
    action: str,
    at: dt.datetime,
    *,
    object_type: str | None = None,
    object_id: uuid.UUID | None = None,
    outcome: str = "ok",
    detail: str | None = None,
) -> None:
    """Add an entry to the session's transaction."""
    session.add(AuditEntry(**entry(actor, action, at, object_type=object_type,
                                   object_id=object_id, outcome=outcome, detail=detail)))


def record_all(session: Session, entries: list[dict[str, Any]]) -> None:
    """Insert many entries in one statement (the ingest worker writes one per event)."""
    if entries:
        session.execute(insert(table_of(AuditEntry)), entries)


def counts(**numbers: int) -> str:
    """Format counts for the detail column: `referrals=1 handoffs=0`."""
    return " ".join(f"{name}={number}" for name, number in numbers.items())
