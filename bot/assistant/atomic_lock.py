"""Rasa's Redis lock store, made atomic across Rasa servers.

RedisLockStore (Rasa 3.6) changes a conversation's ticket lock in three steps: read it,
change it, write it back. Two servers taking a ticket for one conversation at the same
moment can both read the same lock, both take ticket 0, and both handle a message of that
conversation at once, each from a state that never saw the other's message (the
scale-out test, tests/scale, caught it). Every read-change-write of a lock here runs
under a short per-conversation mutex in Redis (redis-py's Lock: SET NX PX, released by a
script that checks the owner), so tickets are issued and returned one at a time.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Text

from rasa.core.lock_store import RedisLockStore

# Longer than any one read-change-write takes; a server that dies holding it frees it then.
MUTEX_SECONDS = 5.0
_STEPS = ("issue_ticket", "update_lock", "cleanup")


def mutex_key(store: RedisLockStore, conversation_id: Text) -> str:
    """The Redis key of a conversation's mutex, beside its lock."""
    return f"{store.key_prefix}{conversation_id}:mutex"


def _one_at_a_time(step: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(step)
    def guarded(self: RedisLockStore, conversation_id: Text, *args: Any, **kwargs: Any) -> Any:
        with self.red.lock(mutex_key(self, conversation_id), timeout=MUTEX_SECONDS,
                           blocking_timeout=MUTEX_SECONDS):
            return step(self, conversation_id, *args, **kwargs)

    guarded.one_at_a_time = True  # type: ignore[attr-defined]
    return guarded


def apply() -> None:
    """Makes RedisLockStore's read-change-write steps take the mutex; safe to call twice."""
    for name in _STEPS:
        step = getattr(RedisLockStore, name)
        if not getattr(step, "one_at_a_time", False):
            setattr(RedisLockStore, name, _one_at_a_time(step))
