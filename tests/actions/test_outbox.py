"""The referral outbox and its relay: durable, ordered, encrypted, delivered exactly once."""

import asyncio
import sqlite3

import aiohttp
import pytest
from aiohttp import web
from cryptography.fernet import Fernet, MultiFernet

from actions.referrals.outbox import Outbox
from actions.referrals.relay import Relay


@pytest.fixture
def outbox(tmp_path):
    box = Outbox(tmp_path / "outbox.db", MultiFernet([Fernet(Fernet.generate_key())]))
    yield box
    box.close()


class FakeBackend:
    """A real HTTP server on loopback that records what it receives, once per id."""

    def __init__(self):
        self.received = []
        self.seen = set()
        self.status = 201
        self.requests = 0

    async def events(self, request):
        self.requests += 1
        if self.status != 201:
            return web.json_response({"error": "no"}, status=self.status)
        assert request.headers["Authorization"] == "Bearer secret-token"
        body = await request.json()
        if body["id"] not in self.seen:
            self.seen.add(body["id"])
            self.received.append(("event", body))
        return web.json_response({"id": body["id"]}, status=201)

    async def erase(self, request):
        self.requests += 1
        self.received.append(("erase", request.match_info["cid"]))
        return web.Response(status=204)


@pytest.fixture
async def backend():
    fake = FakeBackend()
    app = web.Application()
    app.router.add_post("/api/v1/events", fake.events)
    app.router.add_delete("/api/v1/conversations/{cid}", fake.erase)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    yield fake
    await runner.cleanup()


def test_payloads_are_encrypted_at_rest(outbox):
    outbox.add("handoff", "conv-1", {"conversation_id": "conv-1",
                                     "handoff": {"contact_details": "me@example.org"}})
    raw = sqlite3.connect(str(outbox.path)).execute("SELECT payload, conversation_key FROM outbox")
    payload, key = raw.fetchone()
    assert b"me@example.org" not in payload and "conv-1" not in key


def test_rows_come_back_in_order_with_their_ids(outbox):
    ids = [outbox.add("referral", "c", {"conversation_id": "c", "n": i}) for i in range(5)]
    assert [row.payload["n"] for row in outbox.due()] == list(range(5))
    assert [row.id for row in outbox.due()] == ids


def test_erase_drops_undelivered_rows_and_queues_one_request(outbox):
    outbox.add("referral", "a", {"conversation_id": "a"})
    outbox.add("referral", "b", {"conversation_id": "b"})
    assert outbox.erase("a", notify_backend=True) == 1
    kinds = [(row.kind, row.payload.get("conversation_id")) for row in outbox.due()]
    assert kinds == [("referral", "b"), ("erase", "a")]


def test_local_erase_leaves_nothing(outbox):
    outbox.add("referral", "a", {"conversation_id": "a"})
    outbox.erase("a", notify_backend=False)
    assert outbox.count("a") == 0


def test_retention_purges_old_rows(outbox):
    outbox.add("referral", "a", {"conversation_id": "a"})
    outbox._db.execute("UPDATE outbox SET created_at = created_at - 91 * 86400")
    assert outbox.purge_older_than(90) == 1


def test_a_row_waiting_to_retry_holds_back_the_rest(outbox):
    outbox.add("referral", "a", {"conversation_id": "a"})
    outbox.add("referral", "a", {"conversation_id": "a"})
    first = outbox.due()[0]
    outbox.retry_later(first.seq, 60)
    assert outbox.due() == []


def test_unknown_kinds_are_refused(outbox):
    with pytest.raises(ValueError):
        outbox.add("gossip", "a", {})


async def test_relay_delivers_every_row_once_in_order(outbox, backend):
    for i in range(3):
        outbox.add("referral", "c", {"conversation_id": "c", "n": i})
    outbox.erase("c2", notify_backend=True)
    relay = Relay(outbox, backend.url, "secret-token")
    async with aiohttp.ClientSession() as session:
        assert await relay.deliver_pending(session) == 4
        assert await relay.deliver_pending(session) == 0
    assert [r[1]["n"] for r in backend.received[:3]] == [0, 1, 2]
    assert backend.received[3] == ("erase", "c2")
    assert outbox.count() == 0


async def test_backend_down_then_up_loses_nothing_and_stores_nothing_twice(outbox, backend):
    relay = Relay(outbox, "http://127.0.0.1:9", "secret-token", timeout=1)  # nothing listens
    for i in range(5):
        outbox.add("referral", "c", {"conversation_id": "c", "n": i})
    async with aiohttp.ClientSession() as session:
        assert await relay.deliver_pending(session) == 0
    assert outbox.count() == 5
    outbox._db.execute("UPDATE outbox SET next_attempt_at = 0")  # the backoff has passed
    relay = Relay(outbox, backend.url, "secret-token")
    async with aiohttp.ClientSession() as session:
        while await relay.deliver_pending(session):
            pass
    assert sorted(r[1]["n"] for r in backend.received) == list(range(5))
    assert outbox.count() == 0


async def test_server_errors_are_retried_rejections_set_aside(outbox, backend):
    outbox.add("referral", "c", {"conversation_id": "c"})
    relay = Relay(outbox, backend.url, "secret-token")
    backend.status = 503
    async with aiohttp.ClientSession() as session:
        await relay.deliver_pending(session)
        assert outbox.count(include_dead=False) == 1
        outbox._db.execute("UPDATE outbox SET next_attempt_at = 0")
        backend.status = 422
        await relay.deliver_pending(session)
    assert outbox.count(include_dead=False) == 0 and outbox.count() == 1


async def test_run_loop_delivers_when_kicked(outbox, backend):
    relay = Relay(outbox, backend.url, "secret-token")
    task = asyncio.create_task(relay.run())
    try:
        outbox.add("referral", "c", {"conversation_id": "c"})
        relay.kick()
        for _ in range(50):
            if backend.received:
                break
            await asyncio.sleep(0.05)
        assert len(backend.received) == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_relay_kicked_as_it_is_stopped_still_stops(outbox, backend):
    relay = Relay(outbox, backend.url, "secret-token")
    task = asyncio.create_task(relay.run())
    await asyncio.sleep(0.2)  # idle, waiting to be kicked
    relay.kick()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=5)
    assert task in done and task.cancelled()
