"""The message-id log behind /clear: ids only, bounded by age and count, private file."""

from __future__ import annotations

import sqlite3
import stat

from bot.telegram.sent import DELETABLE_SECONDS, MessageLog


def test_take_returns_a_chats_ids_once(tmp_path):
    log = MessageLog(str(tmp_path / "t.db"))
    for message_id in (3, 1, 2):
        log.add("tg-a", message_id)
    log.add("tg-b", 9)
    assert log.take("tg-a") == [1, 2, 3]
    assert log.take("tg-a") == []
    assert log.take("tg-b") == [9]


def test_messages_telegram_no_longer_lets_us_delete_are_dropped(tmp_path):
    log = MessageLog(str(tmp_path / "t.db"))
    log.add("tg-a", 1, now=1000.0)
    log.add("tg-a", 2, now=1000.0 + DELETABLE_SECONDS + 1)
    assert log.take("tg-a", now=1000.0 + DELETABLE_SECONDS + 2) == [2]


def test_each_chat_keeps_only_its_newest_ids(tmp_path):
    log = MessageLog(str(tmp_path / "t.db"), per_chat=3)
    for message_id in range(1, 8):
        log.add("tg-a", message_id)
    assert log.take("tg-a") == [5, 6, 7]


def test_it_survives_a_restart_and_holds_no_chat_ids_or_text(tmp_path):
    path = tmp_path / "state" / "t.db"
    log = MessageLog(str(path))
    log.add("tg-conversation", 5)
    log.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = sqlite3.connect(path).execute("SELECT * FROM messages").fetchall()
    assert [row[:2] for row in rows] == [("tg-conversation", 5)]
    assert MessageLog(str(path)).take("tg-conversation") == [5]


def test_in_memory_works_for_laptops_that_want_no_file():
    log = MessageLog(":memory:")
    log.add("tg-a", 1)
    assert log.take("tg-a") == [1]

