"""The case file is built from the action server's settings: the outbox's database and
the tracker store's keys; erasure and the retention purge take the log and reminders
together."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from actions.caselog.case_file import build
from actions.referrals.outbox import Outbox
from actions.settings import Settings
from bot.assistant.tracker_cipher import TrackerStoreConfigError, cipher_from_env
from tests.actions.caselog.conftest import NOW


def settings_for(outbox_url: str, tmp_path, key: str) -> Settings:
    if outbox_url.startswith("sqlite"):
        env = {"OUTBOX_PATH": str(tmp_path / "outbox.db")}
    else:
        env = {"OUTBOX_PATH": str(tmp_path / "unused" / "outbox.db"),
               "OUTBOX_DATABASE_URL": outbox_url}
    return Settings.from_env({**env, "TRACKER_ENCRYPTION_KEYS": key})


def test_the_case_file_lives_in_the_outbox_database_with_its_keys(outbox_url, tmp_path):
    key = Fernet.generate_key().decode()
    settings = settings_for(outbox_url, tmp_path, key)
    case_file = build(settings)
    outbox = Outbox(settings.outbox_url, cipher_from_env(key))
    try:
        case_file.log.add("conversation-1", "place", {"platform": "reddit"})
        outbox.add("referral", "conversation-1", {"routes_offered": []})
        with case_file.log.engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
        assert {"outbox", "case_entries", "case_numbers", "case_reminders"} <= tables
        # Every platform of the directory is known to the log's checks.
        assert {"reddit", "meta", "x", "onlyfans"} <= case_file.log.platform_ids
    finally:
        outbox.close()
        case_file.close()


def test_without_a_key_nothing_is_stored(outbox_url, tmp_path):
    with pytest.raises(TrackerStoreConfigError):
        build(settings_for(outbox_url, tmp_path, ""))


def test_erasure_and_the_purge_take_the_log_and_the_reminders(case_file):
    for conversation in ("mine", "theirs"):
        case_file.log.add(conversation, "account", {"username": "@rex"}, now=NOW)
        case_file.reminders.add(conversation, NOW + dt.timedelta(days=1), entry=1, now=NOW)
    case_file.erase("mine")
    assert case_file.log.entries("mine") == [] and case_file.reminders.pending("mine") == []
    assert len(case_file.log.entries("theirs")) == 1
    assert case_file.purge_older_than(90, now=NOW + dt.timedelta(days=91)) == 2
    assert case_file.log.entries("theirs") == [] and case_file.reminders.pending("theirs") == []
