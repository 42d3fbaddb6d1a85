"""Stopping and starting the machine's PostgreSQL and Redis, with the commands CI uses
(.ci/run): whatever happens in a test, they are running again when it ends."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from typing import Iterator

REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1",
               "--port", "6379", "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
               "--logfile", "/var/log/redis/ci.log"]


def _postgres_version() -> str:
    return sorted(os.listdir("/etc/postgresql"))[0]


def postgres_ready() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0


def _wait(check, seconds: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def restart_postgres() -> None:
    """Restarts the cluster: every open connection to it is cut."""
    try:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", _postgres_version(),
                        "main", "restart"], check=True, capture_output=True, timeout=60)
    finally:
        ensure_postgres()


def ensure_postgres() -> None:
    if not postgres_ready():
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", _postgres_version(),
                        "main", "start"], capture_output=True, timeout=60)
    assert _wait(postgres_ready), "PostgreSQL did not come back"


def redis_up() -> bool:
    return subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"],
                          capture_output=True, text=True).stdout.strip() == "PONG"


@contextlib.contextmanager
def redis_stopped() -> Iterator[None]:
    """Redis is down inside the block and up again after it."""
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"],
                   capture_output=True, timeout=30)
    assert _wait(lambda: not redis_up()), "Redis did not stop"
    try:
        yield
    finally:
        if not redis_up():
            subprocess.run(REDIS_START, check=True, capture_output=True, timeout=30)
        assert _wait(redis_up), "Redis did not come back"
