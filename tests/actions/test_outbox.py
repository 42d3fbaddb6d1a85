"""The outbox's contract, on SQLite and on PostgreSQL: encrypted, ordered by one global
sequence, idempotent on ids, retried with backoff, erasure dropping what is undelivered."""

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from actions.referrals import store
from actions.referrals.outbox import Outbox
from actions.referrals.store import outbox as table


def execute(outbox: Outbox, statement) -> None:
    with outbox.engine.begin() as conn:
        conn.execute(statement)


def test_payloads_are_encrypted_at_rest(outbox):
    outbox.add("handoff", "conv-1", {"conversation_id": "conv-1",
                                     "handoff": {"contact_details": "me@example.org"}})
    with outbox.engine.connect() as conn:
        payload, key = conn.execute(sa.select(table.c.payload, table.c.conversation_key)).one()
    assert b"me@example.org" not in bytes(payload) and "conv-1" not in key
    assert outbox.due()[0].payload["handoff"]["contact_details"] == "me@example.org"


def test_rows_come_back_in_order_with_their_ids(outbox):
    ids = [outbox.add("referral", "c", {"conversation_id": "c", "n": i}) for i in range(5)]
    assert [row.payload["n"] for row in outbox.due()] == list(range(5))
    assert [row.id for row in outbox.due()] == ids


def test_adding_the_same_id_twice_keeps_the_first(outbox):
    event_id = outbox.add("referral", "c", {"conversation_id": "c", "n": 1})
    assert outbox.add("referral", "c", {"conversation_id": "c", "n": 2}, event_id) == event_id
    [row] = outbox.due()
    assert (row.id, row.payload["n"]) == (event_id, 1)


def test_erase_drops_undelivered_rows_and_queues_one_request(outbox):
    outbox.add("referral", "a", {"conversation_id": "a"})
    outbox.add("referral", "b", {"conversation_id": "b"})
    assert outbox.erase("a", notify_backend=True) == 1
    kinds = [(row.kind, row.payload.get("conversation_id")) for row in outbox.due()]
    assert kinds == [("referral", "b"), ("erase", "a")]


def test_a_second_erase_keeps_the_first_request(outbox):
    outbox.add("referral", "a", {"conversation_id": "a"})
    outbox.erase("a", notify_backend=True)
    assert outbox.erase("a", notify_backend=True) == 0
    assert [row.kind for row in outbox.due()] == ["erase", "erase"]


def test_local_erase_leaves_nothing(outbox):
    outbox.add("referral", "a", {"conversation_id": "a"})
    outbox.erase("a", notify_backend=False)
    assert outbox.count("a") == 0


def test_retention_purges_old_rows(outbox):
    outbox.add("referral", "a", {"conversation_id": "a"})
    outbox.add("referral", "b", {"conversation_id": "b"})
    execute(outbox, table.update().where(table.c.conversation_key != "")
            .values(created_at=table.c.created_at - 91 * 86400))
    outbox.add("referral", "c", {"conversation_id": "c"})
    assert outbox.purge_older_than(90) == 2
    assert outbox.count() == outbox.count("c") == 1


def test_a_row_waiting_to_retry_holds_back_the_rest(outbox):
    outbox.add("referral", "a", {"conversation_id": "a"})
    outbox.add("referral", "a", {"conversation_id": "a"})
    first = outbox.due()[0]
    outbox.retry_later(first.seq, 60)
    assert outbox.due() == []
    assert len(outbox.due(now=time.time() + 61)) == 2
    assert outbox.due(now=time.time() + 61)[0].attempts == 1


def test_a_dead_row_is_kept_but_skipped(outbox):
    outbox.add("referral", "a", {"conversation_id": "a", "n": 0})
    outbox.add("referral", "a", {"conversation_id": "a", "n": 1})
    outbox.give_up(outbox.due()[0].seq)
    assert [row.payload["n"] for row in outbox.due()] == [1]
    assert outbox.count(include_dead=False) == 1 and outbox.count() == 2


def test_delivered_rows_are_deleted(outbox):
    outbox.add("referral", "a", {"conversation_id": "a"})
    outbox.delivered(outbox.due()[0].seq)
    assert outbox.count() == 0


def test_unknown_kinds_are_refused(outbox):
    with pytest.raises(ValueError):
        outbox.add("gossip", "a", {})


def test_replicas_share_one_queue_and_one_order(open_outbox):
    one, two = open_outbox(), open_outbox()
    for n in range(6):
        (one if n % 2 else two).add("referral", "c", {"conversation_id": "c", "n": n})
    two.erase("c", notify_backend=True)
    one.add("referral", "c", {"conversation_id": "c", "n": 6})
    for box in (one, two):
        assert [(r.kind, r.payload.get("n")) for r in box.due()] == [("erase", None),
                                                                   ("referral", 6)]
    assert one.shared == two.shared == (one.engine.dialect.name == "postgresql")


def test_writers_take_turns_so_sequence_order_is_commit_order(open_outbox):
    one, two = open_outbox(), open_outbox()
    second = threading.Thread(
        target=lambda: two.add("referral", "c", {"conversation_id": "c", "n": 2}))
    with store.writing(one.engine, store.lock_key(one.engine, "write")) as conn:
        store.insert_once(conn, one._row("first", "c", "referral",
                                         {"conversation_id": "c", "n": 1}))
        second.start()
        second.join(0.5)
        assert second.is_alive()  # waits for the first writer's commit
        assert two.count() == 0
    second.join(10)
    assert [row.payload["n"] for row in two.due()] == [1, 2]


def test_many_writers_at_once_lose_nothing_and_keep_each_writers_order(open_outbox):
    boxes = [open_outbox() for _ in range(2)]

    def write(writer: int) -> None:
        for n in range(25):
            boxes[writer].add("referral", f"c{writer}", {"conversation_id": f"c{writer}",
                                                        "writer": writer, "n": n})

    threads = [threading.Thread(target=write, args=(writer,)) for writer in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    rows = boxes[0].due(limit=100)
    assert len(rows) == 50
    for writer in (0, 1):
        mine = [r.payload["n"] for r in rows if r.payload["writer"] == writer]
        assert mine == list(range(25))


def test_an_outbox_file_of_the_earlier_version_opens(tmp_path):
    path = tmp_path / "outbox.db"
    with sqlite3.connect(path) as old:
        old.executescript("""
            CREATE TABLE outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
                conversation_key TEXT NOT NULL, kind TEXT NOT NULL, payload BLOB NOT NULL,
                created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at REAL NOT NULL DEFAULT 0, dead INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX outbox_conversation ON outbox (conversation_key);""")
    box = Outbox(f"sqlite:///{path}", MultiFernet([Fernet(Fernet.generate_key())]))
    box.add("referral", "c", {"conversation_id": "c"})
    assert [row.kind for row in box.due()] == ["referral"]
    box.close()


@pytest.mark.parametrize("url", ["mysql://db/outbox", "sqlite://"])
def test_only_postgresql_or_a_sqlite_file_will_do(url):
    with pytest.raises(ValueError):
        store.open_engine(url)
