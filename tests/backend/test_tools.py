"""The command-line tools and the schema: staff accounts, migrations, rotation, start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from bot.backend.settings import PROJECT_ROOT
from bot.backend.storage.db import create_sync_engine
from bot.backend.storage.migrate import owned_by_backend
from bot.backend.storage.models import Base

from .support import (
    ENCRYPTION_KEY,
    OLD_ENCRYPTION_KEY,
    PASSWORD,
    Databases,
    MakeClient,
    add_staff,
    login,
)

pytestmark = pytest.mark.asyncio


def _run(
    module: str, env: dict[str, str], *args: str, stdin: str = "",
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args], input=stdin, capture_output=True, text=True,
        timeout=60, check=False, cwd=PROJECT_ROOT,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT_ROOT), **env},
    )


async def test_create_staff_user_reads_the_password_from_stdin(
    make_client: MakeClient, databases: Databases,
) -> None:
    env = {"DATABASE_URL": databases.url}
    created = _run("bot.backend.ops.create_staff_user", env, "--email", "Ana@Example.org",
                   "--role", "supervisor", stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "created supervisor ana@example.org"
    assert PASSWORD not in created.stdout + created.stderr
    client = await make_client()
    assert (await login(client, "ana@example.org")).url.path == "/staff/queue"

    again = _run("bot.backend.ops.create_staff_user", env, "--email", "ana@example.org",
                 "--role", "advisor", stdin=PASSWORD + "\n")
    assert again.returncode == 1
    assert "already exists" in again.stderr


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["--email", "not-an-email", "--role", "advisor"], PASSWORD, "email address"),
    (["--email", "a@example.org", "--role", "advisor"], "short", "at least 12"),
    (["--email", "a@example.org", "--role", "advisor"], "", "at least 12"),
    (["--email", "a@example.org", "--role", "root"], PASSWORD, "invalid choice"),
])
async def test_create_staff_user_refuses_bad_input(
    tmp_path: Path, args: list[str], stdin: str, message: str,
) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    result = _run("bot.backend.ops.create_staff_user", env, *args, stdin=stdin + "\n")
    assert result.returncode != 0
    assert message in result.stderr


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"include_name": owned_by_backend})
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrations_build_exactly_the_models(databases: Databases) -> None:
    result = _run("bot.backend.storage.migrate", {"DATABASE_URL": databases.url})
    assert result.returncode == 0, result.stderr
    engine = create_sync_engine(databases.url)
    with engine.connect() as connection:
        assert _differences(connection) == []
    engine.dispose()
    again = _run("bot.backend.storage.migrate", {"DATABASE_URL": databases.url})
    assert again.returncode == 0, "upgrading an up-to-date database is a no-op"


async def test_rotate_keys_runs_from_the_command_line(
    make_client: MakeClient, databases: Databases,
) -> None:
    await make_client()  # creates the schema
    result = _run("bot.backend.ops.rotate_keys", {
        "DATABASE_URL": databases.url,
        "BACKEND_ENCRYPTION_KEYS": f"{OLD_ENCRYPTION_KEY},{ENCRYPTION_KEY}"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("re-encrypted: referrals 0")
    missing = _run("bot.backend.ops.rotate_keys", {"DATABASE_URL": databases.url})
    assert missing.returncode == 1
    assert "BACKEND_ENCRYPTION_KEYS is not set" in missing.stderr


async def test_the_server_will_not_start_without_its_secrets(tmp_path: Path) -> None:
    result = _run("bot.backend", {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert result.returncode == 1
    assert "BACKEND_SERVICE_TOKEN is not set" in result.stderr


async def test_deactivating_an_account_signs_it_out_at_once(
    make_client: MakeClient, databases: Databases,
) -> None:
    client = await make_client()
    await add_staff(client.app, "leaver@example.org")
    await login(client, "leaver@example.org")
    assert (await client.get("/staff/queue", allow_redirects=False)).status == 200
    result = _run("bot.backend.ops.deactivate_staff_user", {"DATABASE_URL": databases.url},
                  "--email", "Leaver@example.org")
    assert result.returncode == 0, result.stderr
    assert "1 session(s) ended" in result.stdout
    assert (await client.get("/staff/queue", allow_redirects=False)).status == 303
    assert "did not match" in await (await login(client, "leaver@example.org")).text()
    unknown = _run("bot.backend.ops.deactivate_staff_user", {"DATABASE_URL": databases.url},
                   "--email", "nobody@example.org")
    assert unknown.returncode == 1
    assert "no account" in unknown.stderr
