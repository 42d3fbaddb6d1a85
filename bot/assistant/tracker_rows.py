"""Deleting rows of Rasa's SQL tracker store, without Rasa: the one place that does.

Rasa keeps every conversation event in one table, `events` (id, sender_id, type_name,
timestamp as float epoch seconds, intent_name, action_name, data). Rasa's HTTP API has no
delete, so erasure ("delete my data") and the retention purge delete rows here: the
tracker store (tracker_store.py) when the assistant runs `action_erase_conversation`, the
backend when the action server asks for an erasure or the purge runs. Both hand over a
synchronous SQLAlchemy connection (the backend through `AsyncConnection.run_sync`), so
this module works with Rasa's SQLAlchemy 1.4 and the backend's 2.0.

If the table does not exist yet, Rasa has stored nothing, so there is nothing to delete.
If the store cannot be reached, the error propagates: an erasure must not report success
while the transcript survives.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, String, column, delete, inspect, table

EVENTS = table("events", column("sender_id", String), column("timestamp", Float))


def erase_conversation(connection: Any, sender_id: str) -> int:
    """Delete every stored event of one conversation, in all its sessions; return how many."""
    return _delete(connection, EVENTS.c.sender_id == sender_id)


def purge_before(connection: Any, cutoff: dt.datetime) -> int:
    """Delete every event older than `cutoff` (timezone-aware); return how many rows went."""
    return _delete(connection, EVENTS.c.timestamp < cutoff.timestamp())


def _delete(connection: Any, condition: Any) -> int:
    if not inspect(connection).has_table("events"):
        return 0
    return connection.execute(delete(EVENTS).where(condition)).rowcount
