"""The re-encryption tool: old plaintext rows encrypted, old keys rotated out, on SQLite
and PostgreSQL, and the tracker store still reads every row afterwards."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from bot.assistant.reencrypt_tracker import reencrypt

ROOT = Path(__file__).resolve().parents[2]
ADMIN = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DDL = ("CREATE TABLE events (id {pk}, sender_id VARCHAR(255) NOT NULL, type_name "
       "VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
       "action_name VARCHAR(255), data TEXT)")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text(DDL.format(pk="INTEGER PRIMARY KEY AUTOINCREMENT")))
        engine.dispose()
        yield url
        return
    name = f"reencrypt_{os.getpid()}_{secrets.token_hex(4)}"
    admin = psycopg2.connect(ADMIN)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(DDL.format(pk="SERIAL PRIMARY KEY")))
    engine.dispose()
    yield url
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _rows(url):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT data, intent_name, action_name FROM events ORDER BY id")).fetchall()
    engine.dispose()
    return rows


def _insert(url, rows):
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for data, intent in rows:
            connection.execute(sa.text(
                "INSERT INTO events (sender_id, type_name, timestamp, intent_name, data) "
                "VALUES ('s', 'user', 1.0, :intent, :data)"), {"intent": intent, "data": data})
    engine.dispose()


def test_plaintext_rows_are_encrypted_and_old_keys_rotated_out(url):
    old, new = Fernet.generate_key(), Fernet.generate_key()
    event = json.dumps({"event": "user", "text": "he shared my photos"})
    _insert(url, [(event, "crisis_self_harm"),
                  (Fernet(old).encrypt(event.encode()).decode(), None),
                  (Fernet(new).encrypt(event.encode()).decode(), None),
                  ("garbage", None)] * 3)
    cipher = MultiFernet([Fernet(new), Fernet(old)])
    counts = reencrypt(sa.create_engine(url), cipher, rotate=False, batch=4)
    assert (counts.encrypted, counts.rotated, counts.unchanged, counts.unreadable) == (3, 0, 6, 3)
    rows = _rows(url)
    assert all("photos" not in row.data and row.intent_name is None for row in rows)
    counts = reencrypt(sa.create_engine(url), cipher, rotate=True, batch=4)
    assert (counts.encrypted, counts.rotated, counts.unreadable) == (0, 9, 3)
    only_new = Fernet(new)
    readable = [json.loads(only_new.decrypt(row.data.encode())) for row in _rows(url)
                if row.data != "garbage"]
    assert readable == [json.loads(event)] * 9, "the old key can now be removed"


def test_the_command_prints_counts_never_contents(url):
    key = Fernet.generate_key().decode()
    _insert(url, [(json.dumps({"event": "user", "text": "secret words"}), None)])
    result = subprocess.run(
        [sys.executable, "-m", "bot.assistant.reencrypt_tracker"], cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT),
             "TRACKER_DATABASE_URL": url, "TRACKER_ENCRYPTION_KEYS": key},
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "encrypted 1 plaintext rows" in result.stdout
    assert "secret words" not in result.stdout + result.stderr
