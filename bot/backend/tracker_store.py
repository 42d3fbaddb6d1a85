"""Deleting transcripts from Rasa's SQL tracker store.

Rasa keeps every conversation event in one table, `events` (id, sender_id, type_name,
timestamp as float epoch seconds, intent_name, action_name, data). Retention and erasure
delete rows from it directly: Rasa's HTTP API has no delete. If the table does not exist
yet, Rasa has stored nothing, so there is nothing to delete. If the store cannot be
reached, the error propagates: an erasure must not report success while the transcript
survives.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Connection, Float, String, column, delete, inspect, table
from sqlalchemy.ext.asyncio import AsyncEngine

EVENTS = table("events", column("sender_id", String), column("timestamp", Float))


class TrackerStore:
    """The transcript rows of Rasa's tracker store, for deletion only."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def delete_conversation(self, sender_id: str) -> int:
        """Delete one conversation's events; return how many rows went."""
        return await self._delete(EVENTS.c.sender_id == sender_id)

    async def delete_before(self, cutoff: dt.datetime) -> int:
        """Delete every event older than `cutoff`; return how many rows went."""
        return await self._delete(EVENTS.c.timestamp < cutoff.timestamp())

    async def _delete(self, condition: ColumnElement[bool]) -> int:
        async with self._engine.begin() as connection:
            if not await connection.run_sync(_has_events_table):
                return 0
            result = await connection.execute(delete(EVENTS).where(condition))
            return result.rowcount


def _has_events_table(connection: Connection) -> bool:
    return inspect(connection).has_table("events")
