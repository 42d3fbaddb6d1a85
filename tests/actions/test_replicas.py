"""Several action-server replicas on one outbox (PostgreSQL; SQLite too, as two processes on
one machine): each writes, every relay runs, one delivers at a time. Every row reaches the
backend once, in the one global order, an erasure never overtakes what was queued before
it, and when the relay delivering dies, another takes over."""

from __future__ import annotations

import asyncio
import collections
import os
import sys
import threading
from typing import Dict, Iterable, List

import aiohttp
import pytest
import sqlalchemy as sa

from actions.referrals import relay as relay_module
from actions.referrals import store
from actions.referrals.outbox import Outbox
from actions.referrals.relay import Relay
from tests.actions.fake_backend import TOKEN, Received

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = ["referral", "handoff", "erase", "referral", "withdraw"]  # one conversation's rows


class Journal:
    """What the replicas queued, in the order each write returned (writers on several
    threads: the order of each conversation's writes); labels match what the backend
    receives (an event's id; an erasure or withdrawal by conversation)."""

    def __init__(self) -> None:
        self.labels: List[str] = []
        self.conversation: Dict[str, str] = {}
        self._erasures: Dict[str, int] = collections.Counter()
        self._lock = threading.Lock()

    def write(self, box: Outbox, kind: str, conversation: str, n: int) -> None:
        """Queues one row; a conversation is written by one thread at a time."""
        if kind == "erase":
            box.erase(conversation, notify_backend=True)
            self._erasures[conversation] += 1
            label = f"erase:{conversation}:{self._erasures[conversation]}"
        else:
            event_id = box.add(kind, conversation, {"conversation_id": conversation, "n": n})
            label = f"withdraw:{conversation}" if kind == "withdraw" else event_id
        with self._lock:
            self.labels.append(label)
            self.conversation[label] = conversation


def labels(items: Iterable[object]) -> List[str]:
    """Labels of backend requests (Received) or of queued rows (OutboxRow), in order."""
    erasures: Dict[str, int] = collections.Counter()
    found = []
    for item in items:
        kind = item.kind
        conversation = (item.conversation_id if isinstance(item, Received)
                        else item.payload["conversation_id"])
        if kind == "erase":
            erasures[conversation] += 1
            found.append(f"erase:{conversation}:{erasures[conversation]}")
        elif kind == "withdraw":
            found.append(f"withdraw:{conversation}")
        else:
            found.append(item.id)
    return found


def assert_delivered_once_in_order(journal: Journal, received: List[Received],
                                   globally: bool) -> None:
    got = labels(received)
    assert len(got) == len(set(got)), "a row was delivered twice"
    assert set(got) <= set(journal.labels)
    position = {label: i for i, label in enumerate(journal.labels)}
    by_conversation: Dict[str, List[int]] = collections.defaultdict(list)
    for label in got:
        by_conversation[journal.conversation[label]].append(position[label])
    for conversation, order in by_conversation.items():
        assert order == sorted(order), f"{conversation} out of order"  # erasures included
    if globally:
        assert [position[label] for label in got] == sorted(position[label] for label in got)
    # Nothing is lost: each erasure arrives, and so does every row queued after the last
    # erasure of its conversation (those before it were dropped or arrived before it).
    last_erasure = {journal.conversation[label]: position[label]
                    for label in journal.labels if label.startswith("erase:")}
    for label in journal.labels:
        if position[label] >= last_erasure.get(journal.conversation[label], -1):
            assert label in got, f"{label} never arrived"


@pytest.fixture
def quick(monkeypatch):
    """Relays that look again every 50 ms instead of every few seconds."""
    for name in ("IDLE_INTERVAL", "SHARED_IDLE_INTERVAL", "STANDBY_INTERVAL"):
        monkeypatch.setattr(relay_module, name, 0.05)


async def run_relays(relays: List[Relay], until, seconds: float = 60.0) -> None:
    tasks = [asyncio.create_task(relay.run()) for relay in relays]
    try:
        for _ in range(int(seconds / 0.05)):
            if await until():
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the relays did not deliver everything in time")
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def drain(relay: Relay) -> int:
    delivered = 0
    async with aiohttp.ClientSession() as session:
        while n := await relay.deliver_pending(session):
            delivered += n
    return delivered


def write_concurrently(journal: Journal, boxes: List[Outbox], writers: int,
                       conversations: int, kick=None) -> None:
    """`writers` threads at once, each moving its conversations between the replicas row
    by row, as a load balancer would send a conversation's messages."""

    def write(writer: int) -> None:
        step = 0
        for n, kind in enumerate(SCRIPT):
            for c in range(conversations):
                box = boxes[(writer + step) % len(boxes)]
                step += 1
                journal.write(box, kind, f"w{writer}-c{c}", n)
                if kick:
                    kick(boxes.index(box))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


async def test_two_relays_deliver_what_two_replicas_queued_in_the_global_order(
        open_outbox, backend, quick):
    boxes = [open_outbox(), open_outbox()]
    journal = Journal()
    write_concurrently(journal, boxes, writers=2, conversations=3)
    queued = labels(boxes[0].due(limit=1000))
    assert queued == labels(boxes[1].due(limit=1000))  # one order, whoever reads it
    backend.delay = 0.005
    relays = [Relay(box, backend.url, TOKEN) for box in boxes]

    async def drained() -> bool:
        return boxes[0].count() == 0

    await run_relays(relays, drained)
    assert labels(backend.received) == queued  # each once, in the global order
    assert_delivered_once_in_order(journal, backend.received, globally=False)


async def test_one_conversation_moving_between_replicas_while_two_relays_run(
        open_outbox, backend, quick):
    boxes = [open_outbox(), open_outbox()]
    relays = [Relay(box, backend.url, TOKEN) for box in boxes]
    journal = Journal()
    backend.delay = 0.01

    async def conversation() -> None:
        # The order Rasa runs one conversation's actions in, each on either replica.
        steps = ["referral", "handoff", "referral", "erase", "referral", "referral",
                 "erase", "referral", "withdraw"]
        for n, kind in enumerate(steps):
            replica = n % 2
            journal.write(boxes[replica], kind, "c", n)
            relays[replica].kick()
            await asyncio.sleep(0.015)  # some rows go out before the next is queued

    writer = asyncio.create_task(conversation())

    async def drained() -> bool:
        return writer.done() and boxes[0].count() == 0

    await run_relays(relays, drained)
    assert_delivered_once_in_order(journal, backend.received, globally=True)
    assert [r.kind for r in backend.received][-3:] == ["erase", "event", "withdraw"]


async def test_replicas_writing_at_once_while_two_relays_deliver(open_outbox, backend, quick):
    boxes = [open_outbox(), open_outbox()]
    relays = [Relay(box, backend.url, TOKEN) for box in boxes]
    journal = Journal()
    backend.delay = 0.002
    loop = asyncio.get_running_loop()

    def kick(replica: int) -> None:
        loop.call_soon_threadsafe(relays[replica].kick)

    writing = asyncio.create_task(asyncio.to_thread(
        write_concurrently, journal, boxes, 3, 4, kick))

    async def drained() -> bool:
        return writing.done() and boxes[0].count() == 0

    await run_relays(relays, drained)
    await writing
    assert len(journal.labels) == 3 * 4 * len(SCRIPT)
    assert_delivered_once_in_order(journal, backend.received, globally=False)


HOLDER = """
import sys, time
from cryptography.fernet import Fernet, MultiFernet
from actions.referrals.outbox import Outbox
turn = Outbox(sys.argv[1], MultiFernet([Fernet(Fernet.generate_key())])).relay_turn()
assert turn.take()
print("holding", flush=True)
time.sleep(300)
"""


async def test_when_the_process_delivering_dies_another_relay_takes_over(
        open_outbox, outbox_url, backend):
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, outbox_url, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": ROOT})
    try:
        assert await asyncio.wait_for(holder.stdout.readline(), 120) == b"holding\n"
        box = open_outbox()
        journal = Journal()
        for n, kind in enumerate(["referral", "handoff", "erase", "referral"]):
            journal.write(box, kind, "c", n)
        relay = Relay(box, backend.url, TOKEN)
        assert await drain(relay) == 0 and backend.requests == 0  # standing by
    finally:
        holder.kill()  # SIGKILL: no clean-up, the lock goes with the process
        await holder.wait()
    for _ in range(200):
        if await drain(relay):
            break
        await asyncio.sleep(0.05)
    assert box.count() == 0
    assert_delivered_once_in_order(journal, backend.received, globally=True)
    relay.turn.release()


def relay_lock_holders(box: Outbox) -> List[int]:
    """The server processes holding this outbox's relay lock (as an operator finds them)."""
    key = store.lock_key(box.engine, "relay")
    with box.engine.connect() as conn:
        return list(conn.execute(sa.text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid = :high AND objid = :low AND objsubid = 1"),
            {"high": (key >> 32) & 0xFFFFFFFF, "low": key & 0xFFFFFFFF}).scalars())


@pytest.mark.parametrize("outbox_url", ["postgresql"], indirect=True)
async def test_a_relay_cut_off_from_its_lock_stops_at_once_and_another_finishes(
        open_outbox, backend):
    first_box, second_box = open_outbox(), open_outbox()
    journal = Journal()
    for n in range(8):
        journal.write((first_box, second_box)[n % 2], "referral", "c", n)
    first, second = (Relay(first_box, backend.url, TOKEN),
                     Relay(second_box, backend.url, TOKEN))
    backend.delay = 0.05
    async with aiohttp.ClientSession() as session:
        round_ = asyncio.create_task(first.deliver_pending(session))
        while backend.requests < 2:
            await asyncio.sleep(0.01)
        [pid] = relay_lock_holders(first_box)
        with second_box.engine.connect() as conn:  # its connection is cut
            assert conn.execute(sa.select(sa.func.pg_terminate_backend(pid))).scalar()
        delivered_first = await round_
    assert 2 <= delivered_first < 8  # stopped after the row it was sending
    assert not first.turn.held()
    assert await drain(second) == 8 - delivered_first
    assert await drain(first) == 0  # the other relay has the turn now
    assert_delivered_once_in_order(journal, backend.received, globally=True)
    assert len(backend.received) == 8
    second.turn.release()


@pytest.mark.parametrize("outbox_url", ["postgresql"], indirect=True)
def test_outboxes_in_different_schemas_do_not_share_a_lock(open_outbox, outbox_url,
                                                           postgres_url):
    mine = open_outbox()
    other_schema = Outbox(postgres_url, mine.cipher)  # the database's public schema
    try:
        assert store.lock_key(mine.engine, "relay") != store.lock_key(other_schema.engine,
                                                                      "relay")
        mine_turn, other_turn = mine.relay_turn(), other_schema.relay_turn()
        assert mine_turn.take() and other_turn.take()
        mine_turn.release()
        other_turn.release()
    finally:
        with other_schema.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE outbox")
        other_schema.close()

