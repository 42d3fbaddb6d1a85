"""Reminders on Telegram, through the real Rasa server, action server, backend and gateway:
asked for in words, kept across a restart of every process, said once when due as the
assistant's own message; cancelled by "stop reminders" and by /clear."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from bot.tools import stack
from tests.support.servers import running
from tests.telegram.conftest import gateway_env
from tests.telegram.fake_bot_api import FakeBotApi, FakeChat, joined, wait_until

REMINDER_TOKEN = "7000004:reminder-test-token"
DUE = "You asked me to remind you"

pytestmark = pytest.mark.stack


def _make_due(var: Path) -> int:
    """Moves every waiting reminder to now (the test is the clock); returns how many."""
    with sqlite3.connect(var / "outbox.db") as db:
        return db.execute("UPDATE case_reminders SET due_at = ?",
                          (time.time() - 1,)).rowcount


def _waiting(var: Path) -> int:
    with sqlite3.connect(var / "outbox.db") as db:
        return db.execute("SELECT COUNT(*) FROM case_reminders").fetchone()[0]


def _reminders(chat: FakeChat) -> list[str]:
    return [m.text for m in chat.bot_messages() if DUE in m.text]


def test_a_reminder_survives_a_restart_of_every_process_and_comes_once(
        tmp_path: Path, fake_api: FakeBotApi) -> None:
    env = gateway_env(fake_api, REMINDER_TOKEN, tmp_path, TELEGRAM_MODE="polling",
                      REMINDER_INTERVAL_SECONDS="1", REMINDER_RETRY_SECONDS="2")
    services = lambda e: [stack.telegram_service(e)]  # noqa: E731
    bot = fake_api.bot(REMINDER_TOKEN)
    chat = bot.chat(4242001)
    with running(tmp_path, env, services):
        told = chat.say("my ex posted my nudes on reddit.com/r/somewhere/123 im 24 in leeds")
        assert "private log (entry 1)" in told
        set_reply = chat.say("remind me in two days to check the reddit post")
        assert "I'll remind you to check the reddit post on " in set_reply
    # Every process has stopped; the reminder is in the database, not in memory.
    assert _waiting(tmp_path) == 1
    assert _make_due(tmp_path) == 1
    with running(tmp_path, env, services):
        wait_until(lambda: _reminders(chat), timeout=90, message="the reminder to arrive")
        time.sleep(4)  # several more rounds of the runner: it must not come again
        [said] = _reminders(chat)
        assert "check the reddit post" in said and "reddit.com/r/somewhere/123" in said
        assert _waiting(tmp_path) == 0


def test_stop_reminders_and_clear_cancel_them(tmp_path: Path, fake_api: FakeBotApi) -> None:
    env = gateway_env(fake_api, REMINDER_TOKEN, tmp_path, TELEGRAM_MODE="polling",
                      REMINDER_INTERVAL_SECONDS="3600")
    bot = fake_api.bot(REMINDER_TOKEN)
    with running(tmp_path, env, lambda e: [stack.telegram_service(e)]):
        chat = bot.chat(4242002)
        chat.say("remind me tomorrow to call the helpline")
        assert _waiting(tmp_path) == 1
        assert "cancelled your reminders" in chat.say("stop reminders")
        assert _waiting(tmp_path) == 0
        chat.say("remind me in 3 days to check my log")
        assert _waiting(tmp_path) == 1
        chat.after(lambda: chat.send("/clear"))
        wait_until(lambda: _waiting(tmp_path) == 0, timeout=30,
                   message="/clear to cancel the reminder")
        other = bot.chat(4242003)
        other.say("remind me next week to check my log")
        assert _waiting(tmp_path) == 1
        assert "Shall I delete it?" in joined(other.after(lambda: other.send("/delete")))
        other.after(lambda: other.press("Yes, delete everything"))
        assert _waiting(tmp_path) == 0
