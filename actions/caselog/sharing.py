"""Whether the person has chosen to share their log with the charity's team.

Nothing is shared unless they say so (offered when they ask for a person); "stop sharing
my log" withdraws it at once; erasure and the retention purge remove it with the log.
The team reads a shared log, and adds a report made for the person, only through the
action server (staff_route.py), which asks this store first.
"""

from __future__ import annotations

import time
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from actions.caselog.tables import case_sharing, conversation_key, writing


class SharingStore:
    """Every conversation's consent to share its log with the team."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def share(self, conversation_id: str, now: Optional[float] = None) -> None:
        """The person agreed: the team may read their log from now on."""
        key = conversation_key(conversation_id)
        at = time.time() if now is None else now
        with writing(self.engine, key) as conn:
            conn.execute(case_sharing.delete().where(case_sharing.c.conversation_key == key))
            conn.execute(case_sharing.insert().values(conversation_key=key, shared_at=at))

    def withdraw(self, conversation_id: str) -> bool:
        """The person changed their mind (or erased everything); True if it was shared."""
        key = conversation_key(conversation_id)
        with writing(self.engine, key) as conn:
            return conn.execute(case_sharing.delete().where(
                case_sharing.c.conversation_key == key)).rowcount == 1

    def is_shared(self, conversation_id: str) -> bool:
        """Whether the team may read this conversation's log."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(case_sharing.c.shared_at).where(
                case_sharing.c.conversation_key == conversation_key(conversation_id))
            ).first() is not None

    def purge_older_than(self, days: int, now: Optional[float] = None) -> int:
        """Drops consents given more than `days` days ago (the log goes with them)."""
        cutoff = (time.time() if now is None else now) - days * 86400
        with writing(self.engine, "sharing") as conn:
            return conn.execute(case_sharing.delete().where(
                case_sharing.c.shared_at < cutoff)).rowcount
