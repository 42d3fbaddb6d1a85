"""The relay, on SQLite and on PostgreSQL, against a fake backend: every row delivered once,
in order; nothing lost while the backend is down; rejections set aside; one relay at a time."""

import asyncio

import aiohttp
import pytest
import sqlalchemy as sa

from actions.referrals import relay as relay_module
from actions.referrals.relay import Relay
from actions.referrals.store import outbox as table
from tests.actions.fake_backend import TOKEN


async def drain(relay: Relay) -> int:
    delivered = 0
    async with aiohttp.ClientSession() as session:
        while n := await relay.deliver_pending(session):
            delivered += n
    return delivered


def backoff_passed(outbox) -> None:
    with outbox.engine.begin() as conn:
        conn.execute(table.update().values(next_attempt_at=0))


async def test_relay_delivers_every_row_once_in_order(outbox, backend):
    for i in range(3):
        outbox.add("referral", "c", {"conversation_id": "c", "n": i})
    outbox.add("withdraw", "c", {"conversation_id": "c"})
    outbox.erase("c2", notify_backend=True)
    relay = Relay(outbox, backend.url, TOKEN)
    async with aiohttp.ClientSession() as session:
        assert await relay.deliver_pending(session) == 5
        assert await relay.deliver_pending(session) == 0
    assert [r.body["n"] for r in backend.received[:3]] == [0, 1, 2]
    assert [(r.kind, r.conversation_id) for r in backend.received[3:]] == [
        ("withdraw", "c"), ("erase", "c2")]
    assert outbox.count() == 0
    relay.turn.release()


async def test_backend_down_then_up_loses_nothing_and_stores_nothing_twice(outbox, backend):
    relay = Relay(outbox, "http://127.0.0.1:9", TOKEN, timeout=1)  # nothing listens
    for i in range(5):
        outbox.add("referral", "c", {"conversation_id": "c", "n": i})
    assert await drain(relay) == 0
    assert outbox.count() == 5 and outbox.due() == []  # waiting for its backoff
    relay.turn.release()  # this process "restarts" with the backend back
    backoff_passed(outbox)
    relay = Relay(outbox, backend.url, TOKEN)
    assert await drain(relay) == 5
    assert [r.body["n"] for r in backend.received] == list(range(5))
    assert outbox.count() == 0
    relay.turn.release()


async def test_server_errors_are_retried_rejections_set_aside(outbox, backend):
    outbox.add("referral", "c", {"conversation_id": "c"})
    relay = Relay(outbox, backend.url, TOKEN)
    backend.status = 503
    async with aiohttp.ClientSession() as session:
        await relay.deliver_pending(session)
        assert outbox.count(include_dead=False) == 1
        assert outbox.due(now=float("inf"))[0].attempts == 1
        backoff_passed(outbox)
        backend.status = 422
        await relay.deliver_pending(session)
    assert outbox.count(include_dead=False) == 0 and outbox.count() == 1
    assert backend.requests == 2 and backend.received == []
    relay.turn.release()


async def test_a_relay_whose_turn_it_is_not_delivers_nothing(open_outbox, backend):
    one, two = open_outbox(), open_outbox()
    first, second = Relay(one, backend.url, TOKEN), Relay(two, backend.url, TOKEN)
    two.add("referral", "c", {"conversation_id": "c"})
    assert first.turn.take()
    assert await drain(second) == 0 and backend.requests == 0
    first.turn.release()
    assert await drain(second) == 1
    second.turn.release()


async def test_run_loop_delivers_when_kicked_and_gives_its_turn_up_when_stopped(
        open_outbox, backend):
    outbox = open_outbox()
    relay = Relay(outbox, backend.url, TOKEN)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.2)  # idle now, for IDLE_INTERVAL unless kicked
        outbox.add("referral", "c", {"conversation_id": "c"})
        relay.kick()
        for _ in range(50):
            if backend.received:
                break
            await asyncio.sleep(0.05)
        assert len(backend.received) == 1
        assert relay.turn.held()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert not relay.turn.held()
    successor = Relay(open_outbox(), backend.url, TOKEN)
    assert successor.turn.take()
    successor.turn.release()


async def test_a_relay_kicked_as_it_is_stopped_still_stops(outbox, backend):
    relay = Relay(outbox, backend.url, TOKEN)
    task = asyncio.create_task(relay.run())
    await asyncio.sleep(0.2)  # idle, waiting to be kicked
    relay.kick()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=5)
    assert task in done and task.cancelled()
    assert not relay.turn.held()


async def test_run_loop_survives_a_failing_round(open_outbox, backend, monkeypatch):
    outbox = open_outbox()
    relay = Relay(outbox, backend.url, TOKEN)
    monkeypatch.setattr(relay_module, "STANDBY_INTERVAL", 0.05)
    failures = []
    real_due = outbox.due

    def due_failing_once(*args, **kwargs):
        if not failures:
            failures.append(1)
            raise OSError("the database went away")
        return real_due(*args, **kwargs)

    monkeypatch.setattr(outbox, "due", due_failing_once)
    outbox.add("referral", "c", {"conversation_id": "c"})
    task = asyncio.create_task(relay.run())
    try:
        for _ in range(100):
            if backend.received:
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert failures and len(backend.received) == 1


@pytest.mark.parametrize("kind", ["referral", "handoff"])
async def test_the_relay_sends_the_event_as_queued(outbox, backend, kind):
    event_id = outbox.add(kind, "c", {"conversation_id": "c", "routes_offered": ["police"]})
    relay = Relay(outbox, backend.url, TOKEN)
    await drain(relay)
    [received] = backend.received
    assert received.body == {"conversation_id": "c", "routes_offered": ["police"],
                             "id": event_id}
    relay.turn.release()


@pytest.mark.parametrize("outbox_url", ["postgresql"], indirect=True)
async def test_after_the_database_drops_every_connection_writing_and_delivery_resume(
        outbox, backend):
    relay = Relay(outbox, backend.url, TOKEN)
    outbox.add("referral", "c", {"conversation_id": "c", "n": 0})
    assert await drain(relay) == 1 and relay.turn.take()
    admin = sa.create_engine(outbox.engine.url, poolclass=sa.pool.NullPool)
    with admin.connect() as conn:  # as a restart would, but for this database only
        conn.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    admin.dispose()
    outbox.add("referral", "c", {"conversation_id": "c", "n": 1})  # a pooled connection died
    assert await drain(relay) == 1  # its lock went with its connection: taken again
    assert [r.body["n"] for r in backend.received] == [0, 1]
    relay.turn.release()
