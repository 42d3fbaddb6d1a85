"""Reminders on SQLite and PostgreSQL: kept across a restart (of the store, and from one
process to another), due on time, cancelled, erased with the conversation, claimed by one
runner at a time; encrypted at rest."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from actions.caselog.case_file import build
from actions.caselog.field_rules import FieldError
from actions.caselog.reminders import MAX_AHEAD, TooManyReminders
from actions.caselog.tables import case_reminders
from actions.settings import Settings
from tests.actions.caselog.conftest import NOW

ME = "telegram-5550001"
ROOT = Path(__file__).resolve().parents[3]
HOUR = dt.timedelta(hours=1)
LEASE = dt.timedelta(minutes=5)


def test_a_reminder_survives_a_restart_and_is_due_on_time(open_case_file):
    first = open_case_file()
    made = first.reminders.add(ME, NOW + 48 * HOUR, entry=3, text="check the reddit post",
                               now=NOW)
    first.close()
    reopened = open_case_file().reminders
    assert reopened.due(NOW + 47 * HOUR) == []
    assert reopened.due(NOW + 48 * HOUR) == [made]
    assert made.conversation_id == ME and made.entry == 3
    assert made.text == "check the reddit post" and made.created_at == NOW
    assert reopened.pending(ME) == [made]


@pytest.mark.parametrize("due, entry, text, reason", [
    (NOW - HOUR, 1, None, "in_the_past"),
    (NOW, 1, None, "in_the_past"),
    (NOW + MAX_AHEAD + HOUR, 1, None, "too_far_ahead"),
    (dt.datetime(2026, 12, 6, 9, 0), 1, None, "no_time_zone"),
    (NOW + HOUR, None, None, "empty"),
    (NOW + HOUR, None, "   ", "empty"),
    (NOW + HOUR, 0, None, "not_a_number"),
    (NOW + HOUR, None, "x" * 101, "too_long"),
    (NOW + HOUR, None, "data:image/png;base64,AAAA", "image"),
])
def test_a_reminder_is_refused_when_it_cannot_be_right(case_file, due, entry, text, reason):
    with pytest.raises(FieldError) as error:
        case_file.reminders.add(ME, due, entry=entry, text=text, now=NOW)
    assert error.value.reason == reason
    assert case_file.reminders.pending(ME) == []


def test_never_more_than_a_few_at_a_time(case_file):
    reminders = case_file.reminders
    for i in range(reminders.max_pending):
        reminders.add(ME, NOW + (i + 1) * HOUR, entry=1, now=NOW)
    with pytest.raises(TooManyReminders):
        reminders.add(ME, NOW + HOUR, entry=1, now=NOW)
    assert len(reminders.pending(ME)) == reminders.max_pending
    reminders.add("someone-else", NOW + HOUR, entry=1, now=NOW)  # their own limit


def test_cancelling_one_all_or_by_erasure(case_file):
    reminders = case_file.reminders
    first = reminders.add(ME, NOW + HOUR, text="first", now=NOW)
    reminders.add(ME, NOW + 2 * HOUR, text="second", now=NOW)
    theirs = reminders.add("someone-else", NOW + HOUR, text="theirs", now=NOW)
    assert not reminders.cancel(ME, theirs.id)  # not this conversation's
    assert reminders.cancel(ME, first.id)
    assert not reminders.cancel(ME, first.id)
    assert [r.text for r in reminders.pending(ME)] == ["second"]
    assert reminders.cancel_all(ME) == 1
    reminders.add(ME, NOW + HOUR, text="again", now=NOW)
    case_file.log.add(ME, "account", {"username": "@rex"})
    case_file.erase(ME)
    assert reminders.pending(ME) == [] and case_file.log.entries(ME) == []
    assert reminders.pending("someone-else") == [theirs]


def test_one_runner_at_a_time_delivers_a_reminder(open_case_file):
    one, other = open_case_file().reminders, open_case_file().reminders
    made = one.add(ME, NOW + HOUR, text="check", now=NOW)
    at = NOW + HOUR
    assert one.claim(made.id, at, LEASE)
    assert not other.claim(made.id, at, LEASE)
    assert other.due(at) == []
    # A runner that died holding it: the claim lapses and another takes over.
    assert other.due(at + LEASE) == [made]
    assert other.claim(made.id, at + LEASE, LEASE)
    assert other.mark_sent(made.id)
    assert not one.mark_sent(made.id)
    assert one.due(at + 10 * LEASE) == [] and one.pending(ME) == []


def test_a_failed_send_waits_before_the_next_try(case_file):
    reminders = case_file.reminders
    made = reminders.add(ME, NOW + HOUR, text="check", now=NOW)
    assert reminders.claim(made.id, NOW + HOUR, LEASE)
    reminders.retry_later(made.id, NOW + 2 * HOUR)
    assert reminders.due(NOW + 2 * HOUR - dt.timedelta(seconds=1)) == []
    [again] = reminders.due(NOW + 2 * HOUR)
    assert again.attempts == 1


def test_old_reminders_are_purged(case_file):
    reminders = case_file.reminders
    # Made 100 days ago, due 10 days later, never delivered (the chat was gone).
    old = NOW - dt.timedelta(days=100)
    reminders.add(ME, old + dt.timedelta(days=10), text="old", now=old)
    reminders.add(ME, NOW + HOUR, text="new", now=NOW - dt.timedelta(days=1))
    assert case_file.purge_older_than(90, now=NOW) == 1
    assert [r.text for r in reminders.pending(ME)] == ["new"]


def test_reminders_are_encrypted_at_rest(case_file):
    case_file.reminders.add(ME, NOW + HOUR, entry=4, text="check the reddit post", now=NOW)
    with case_file.reminders.engine.connect() as conn:
        stored = repr(conn.execute(sa.select(case_reminders)).all())
    assert ME not in stored and "reddit" not in stored


ADD_IN_ANOTHER_PROCESS = """
import datetime as dt, sys
from actions.caselog.case_file import case_file
now = dt.datetime.fromisoformat(sys.argv[1])
files = case_file()
files.reminders.add("telegram-5550001", now + dt.timedelta(days=2), entry=1,
                    text="check the reddit post", now=now)
files.log.add("telegram-5550001", "place", {"platform": "reddit"}, now=now)
files.close()
"""


def test_what_one_process_kept_another_finds_due(outbox_url, tmp_path):
    key = Fernet.generate_key().decode()
    if outbox_url.startswith("sqlite"):
        place = {"OUTBOX_PATH": outbox_url[len("sqlite:///"):]}
    else:
        place = {"OUTBOX_PATH": str(tmp_path / "unused.db"), "OUTBOX_DATABASE_URL": outbox_url}
    env = {name: value for name, value in os.environ.items()
           if name not in ("OUTBOX_DATABASE_URL", "OUTBOX_PATH")}
    env.update(place, TRACKER_ENCRYPTION_KEYS=key, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", ADD_IN_ANOTHER_PROCESS, NOW.isoformat()],
                   env=env, cwd=ROOT, check=True, timeout=120)
    reopened = build(Settings.from_env({**place, "TRACKER_ENCRYPTION_KEYS": key}))
    try:
        assert reopened.reminders.due(NOW + 47 * HOUR) == []
        [due] = reopened.reminders.due(NOW + 48 * HOUR)
        assert (due.conversation_id, due.entry, due.text) == (ME, 1, "check the reddit post")
        assert [e.kind for e in reopened.log.entries(ME)] == ["place"]
    finally:
        reopened.close()
