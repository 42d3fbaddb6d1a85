"""Deleting transcripts from Rasa's SQL tracker store, on the backend's async engine.

The SQL is the tracker store's own (bot/assistant/tracker_rows.py, the code Rasa's
tracker store runs for "delete my data"): this class only runs it in a transaction on the
backend's engine. If the store cannot be reached, the error propagates: an erasure must
not report success while the transcript survives.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.assistant import tracker_rows


class TrackerStore:
    """The transcript rows of Rasa's tracker store, for deletion only."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def delete_conversation(self, sender_id: str) -> int:
        """Delete one conversation's events; return how many rows went."""
        async with self._engine.begin() as connection:
            return await connection.run_sync(tracker_rows.erase_conversation, sender_id)

    async def delete_before(self, cutoff: dt.datetime) -> int:
        """Delete every event older than `cutoff`; return how many rows went."""
        async with self._engine.begin() as connection:
            return await connection.run_sync(tracker_rows.purge_before, cutoff)
