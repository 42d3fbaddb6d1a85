"""Two Rasa servers taking lock tickets for one conversation at once never get the same
ticket (bot/assistant/atomic_lock.py), on the machine's Redis."""

import threading
import uuid

import pytest
from rasa.core.lock_store import RedisLockStore

from bot.assistant import atomic_lock

TICKETS_EACH = 60


@pytest.fixture
def stores():
    atomic_lock.apply()
    prefix = "t" + uuid.uuid4().hex[:12]
    made = [RedisLockStore(host="127.0.0.1", port=6379, db=13, key_prefix=prefix)
            for _ in range(2)]
    yield made
    for key in made[0].red.scan_iter(match=f"{prefix}:*"):
        made[0].red.delete(key)


def test_tickets_taken_at_once_on_two_servers_are_all_different(stores):
    conversation = "c-" + uuid.uuid4().hex
    taken: list = []
    start = threading.Barrier(len(stores))

    def take(store: RedisLockStore) -> None:
        start.wait()
        for _ in range(TICKETS_EACH):
            taken.append(store.issue_ticket(conversation, lock_lifetime=60))

    threads = [threading.Thread(target=take, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == list(range(len(stores) * TICKETS_EACH))
    lock = stores[0].get_lock(conversation)
    assert len(lock.tickets) == len(stores) * TICKETS_EACH


def test_the_steps_are_guarded_once_and_leave_no_mutex_behind(stores):
    atomic_lock.apply()  # again: still one guard per step
    for name in ("issue_ticket", "update_lock", "cleanup"):
        step = getattr(RedisLockStore, name)
        assert step.one_at_a_time and not getattr(step.__wrapped__, "one_at_a_time", False)
    store = stores[0]
    ticket = store.issue_ticket("d", lock_lifetime=60)
    store.cleanup("d", ticket)
    assert store.get_lock("d") is None
    assert not store.red.exists(atomic_lock.mutex_key(store, "d"))
