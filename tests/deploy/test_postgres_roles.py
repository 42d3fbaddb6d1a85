"""deploy/postgres/: one role per service and database, on this machine's PostgreSQL.

The real init script runs (with names of this test's own, so parallel runs never meet),
then each role is tried at what it needs (the backend's migrations, Rasa's writes, the
action server's outbox table, the backend's erasure and purge in the tracker store) and
at what it must be refused: another service's database, the tracker's encrypted event
data, writing what it only deletes.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import errors
from sqlalchemy.engine import make_url

from bot.assistant import tracker_rows
from bot.backend.storage.db import create_sync_engine, run_in_transaction
from bot.backend.storage.migrate import upgrade_connection

from .files import DEPLOY

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
KINDS = ("backend", "eraser", "rasa", "actions")


@dataclass
class Server:
    """The names this run's script created: databases by name, roles by service."""

    prefix: str
    databases: dict[str, str]
    roles: dict[str, str]

    def url(self, role: str, database: str) -> str:
        return make_url(ADMIN_URL).set(username=self.roles[role],
                                       database=self.databases[database]
                                       ).render_as_string(hide_password=False)

    def connect(self, role: str, database: str) -> psycopg.Connection:
        return psycopg.connect(self.url(role, database), autocommit=True)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    prefix = f"lp{os.getpid()}{secrets.token_hex(3)}"
    databases = {name: f"{prefix}_{name}" for name in ("backend", "tracker", "outbox")}
    roles = {kind: f"{prefix}_{kind}" for kind in KINDS}
    admin = make_url(ADMIN_URL)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PGHOST": admin.host or "127.0.0.1", "PGPORT": str(admin.port or 5432),
        "POSTGRES_USER": admin.username or "postgres", "POSTGRES_DB": admin.database or "postgres",
        "BACKEND_DB": databases["backend"], "TRACKER_DB": databases["tracker"],
        "OUTBOX_DB": databases["outbox"], "BACKEND_DB_ROLE": roles["backend"],
        "ERASER_DB_ROLE": roles["eraser"], "RASA_DB_ROLE": roles["rasa"],
        "ACTIONS_DB_ROLE": roles["actions"],
        "LEAST_PRIVILEGE_SQL": str(DEPLOY / "postgres" / "least-privilege.sql"),
        **{f"{kind.upper()}_DB_PASSWORD": secrets.token_urlsafe(24) for kind in KINDS},
    }
    result = subprocess.run([str(DEPLOY / "postgres" / "10-least-privilege.sh")], env=env,
                            capture_output=True, text=True, timeout=120)
    try:
        assert result.returncode == 0, result.stderr
        yield Server(prefix, databases, roles)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
            for name in databases.values():
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for name in roles.values():
                connection.execute(f'DROP ROLE IF EXISTS "{name}"')


def refused(server: Server, role: str, database: str) -> bool:
    try:
        server.connect(role, database).close()
    except psycopg.OperationalError as error:
        return "permission denied for database" in str(error)
    return False


def test_no_role_is_a_superuser_or_can_make_roles_or_databases(server: Server) -> None:
    with psycopg.connect(ADMIN_URL) as connection:
        rows = connection.execute(
            "SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls "
            "FROM pg_roles WHERE rolname LIKE %s", (server.prefix + "%",)).fetchall()
    assert len(rows) == 4
    assert all(not any(flags) for _, *flags in rows)


@pytest.mark.parametrize("role, database", [
    ("backend", "tracker"), ("backend", "outbox"),
    ("eraser", "backend"), ("eraser", "outbox"),
    ("rasa", "backend"), ("rasa", "outbox"),
    ("actions", "backend"), ("actions", "tracker"),
])
def test_each_role_is_refused_the_databases_of_other_services(
        server: Server, role: str, database: str) -> None:
    assert refused(server, role, database)


def test_the_backend_migrates_and_uses_its_own_database(server: Server) -> None:
    run_in_transaction(server.url("backend", "backend"), upgrade_connection)
    with server.connect("backend", "backend") as connection:
        tables = {row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert {"referrals", "handoffs", "staff_users", "pending_erasures"} <= tables
        assert connection.execute("SELECT count(*) FROM referrals").fetchone() == (0,)


def test_rasa_writes_and_reads_its_events_and_the_eraser_only_deletes(server: Server) -> None:
    with server.connect("rasa", "tracker") as rasa:
        for sender, at in (("web-keep", 2e9), ("web-erase", 2e9), ("tg-old", 1.0)):
            rasa.execute("INSERT INTO events (sender_id, type_name, timestamp, data) "
                         "VALUES (%s, 'user', %s, 'gAAAA-encrypted')", (sender, at))
        assert rasa.execute("SELECT count(data) FROM events").fetchone() == (3,)
    with server.connect("eraser", "tracker") as eraser:
        for statement in ("SELECT data FROM events", "SELECT * FROM events",
                          "SELECT intent_name FROM events",
                          "INSERT INTO events (sender_id, type_name) VALUES ('x', 'user')",
                          "UPDATE events SET data = 'x'",
                          "CREATE TABLE planted (id int)", "DROP TABLE events"):
            with pytest.raises(errors.InsufficientPrivilege):
                eraser.execute(statement)
    engine = create_sync_engine(server.url("eraser", "tracker"))
    try:
        with engine.begin() as connection:
            assert tracker_rows.erase_conversation(connection, "web-erase") == 1
            assert tracker_rows.purge_before(
                connection, dt.datetime(2000, 1, 1, tzinfo=dt.UTC)) == 1
    finally:
        engine.dispose()
    with server.connect("rasa", "tracker") as rasa:
        assert rasa.execute("SELECT sender_id FROM events").fetchall() == [("web-keep",)]


def test_the_action_server_keeps_its_outbox_and_nothing_else(server: Server) -> None:
    with server.connect("actions", "outbox") as actions:
        actions.execute("CREATE TABLE outbox (id bigserial PRIMARY KEY, payload bytea)")
        actions.execute("INSERT INTO outbox (payload) VALUES ('\\x00')")
    with server.connect("backend", "backend") as backend:
        with pytest.raises(errors.UndefinedTable):
            backend.execute("SELECT * FROM outbox")
    with server.connect("rasa", "tracker") as rasa:
        with pytest.raises(errors.InsufficientPrivilege):
            rasa.execute("CREATE DATABASE somewhere_else")


def test_a_plain_member_of_public_gets_nothing(server: Server) -> None:
    outsider = f"{server.prefix}_outsider"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{outsider}" LOGIN')
    try:
        server.roles["outsider"] = outsider
        for database in ("backend", "tracker", "outbox"):
            assert refused(server, "outsider", database)
    finally:
        server.roles.pop("outsider")
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP ROLE IF EXISTS "{outsider}"')


def test_the_script_reads_passwords_from_the_environment_not_its_command_line() -> None:
    script = (DEPLOY / "postgres" / "10-least-privilege.sh").read_text()
    sql = (DEPLOY / "postgres" / "least-privilege.sql").read_text()
    for kind in ("BACKEND", "ERASER", "RASA", "ACTIONS"):
        assert f"\\getenv {kind.lower()}_password {kind}_DB_PASSWORD" in sql
    assert "_password=" not in script and "PASSWORD=" not in script
