"""The production configuration on this machine: PostgreSQL and Redis, several Rasa servers.

Used by `make bench-load` and by the scale, fault and corpus suites (tests/scale,
tests/faults, tests/corpus). Each run gets its own PostgreSQL databases (tracker store,
backend and the action server's outbox, dropped afterwards) and its own Redis key prefix,
so runs never meet, and Rasa reads deploy/endpoints.yml and deploy/credentials.yml, as in
docker-compose.yml and deploy/k8s/.
Services are started and stopped one by one, which is what the fault tests need.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import (Any, AsyncIterator, Callable, Dict, List, Mapping, Optional,
                    Sequence, Tuple)

from bot.tools import stack

ServiceFactories = Mapping[str, Callable[[Dict[str, str]], stack.Service]]
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")
PRODUCTION_ENDPOINTS = stack.ROOT / "deploy" / "endpoints.yml"
PRODUCTION_CREDENTIALS = stack.ROOT / "deploy" / "credentials.yml"


def free_port() -> int:
    """A TCP port nobody listens on now, on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _admin_execute(sql: str) -> None:
    """One statement on the maintenance database, with whichever driver this env has."""
    try:
        import psycopg  # services env

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]
    except ImportError:
        import psycopg2  # Rasa env

        conn = psycopg2.connect(PG_ADMIN_URL)
        try:
            conn.autocommit = True
            conn.cursor().execute(sql)
        finally:
            conn.close()


def fetch_all(url: str, sql: str, params: Sequence[Any] = ()) -> List[Tuple[Any, ...]]:
    """Rows of one query (placeholders are %s with both drivers)."""
    try:
        import psycopg

        with psycopg.connect(url) as conn:
            return list(conn.execute(sql, params).fetchall())  # type: ignore[arg-type]
    except ImportError:
        import psycopg2

        conn = psycopg2.connect(url)
        try:
            cursor = conn.cursor()
            cursor.execute(sql, params)
            return list(cursor.fetchall())
        finally:
            conn.close()


@dataclass
class Databases:
    """A run's own PostgreSQL databases and Redis key prefix."""

    name: str = field(default_factory=lambda: f"prod_{uuid.uuid4().hex[:10]}")

    @property
    def tracker_url(self) -> str:
        """Rasa's tracker store database."""
        return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{self.name}_tracker"

    @property
    def backend_url(self) -> str:
        """The backend's database."""
        return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{self.name}_backend"

    @property
    def outbox_url(self) -> str:
        """The action servers' shared outbox database."""
        return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{self.name}_outbox"

    @property
    def redis_prefix(self) -> str:
        """The Redis key prefix for this run's lock store and chat state."""
        return self.name.replace("_", "")  # Rasa accepts letters and digits only

    def create(self) -> None:
        """Create this run's three databases."""
        for suffix in ("tracker", "backend", "outbox"):
            _admin_execute(f'CREATE DATABASE "{self.name}_{suffix}"')

    def drop(self) -> None:
        """Drop this run's databases and Redis keys, even if connections remain."""
        for suffix in ("tracker", "backend", "outbox"):
            _admin_execute(f'DROP DATABASE IF EXISTS "{self.name}_{suffix}" WITH (FORCE)')
        clear_redis_prefix(self.redis_prefix)


def redis_client() -> Any:
    """A client of the machine's Redis (redis-py: 4.6 in the Rasa env, 5+ in the other)."""
    import redis

    return redis.Redis(host=os.environ.get("REDIS_HOST", "127.0.0.1"),
                       port=int(os.environ.get("REDIS_PORT", "6379")), socket_timeout=5)


def clear_redis_prefix(prefix: str) -> None:
    """Deletes the run's lock keys; a Redis that is down has nothing to clear."""
    import redis

    try:
        client = redis_client()
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
    except redis.RedisError:
        pass


def production_env(var: Path, dbs: Databases,
                   extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The environment of every process, on free loopback ports, data in `var`."""
    base = {k: v for k, v in stack.laptop_env(secrets_path=var / "secrets.env").items()
            if not k.endswith(("_URL", "_PORT", "_PATH"))}
    base.update({
        "RASA_PORT": str(free_port()), "ACTIONS_PORT": str(free_port()),
        "BACKEND_PORT": str(free_port()),
        "TRACKER_DATABASE_URL": dbs.tracker_url,
        "DATABASE_URL": dbs.backend_url,
        # The outbox in PostgreSQL, as deployed; OUTBOX_PATH stays in the run's folder,
        # unused, so nothing here ever opens the laptop's own outbox file.
        "OUTBOX_DATABASE_URL": dbs.outbox_url,
        "OUTBOX_PATH": str(var / "outbox.db"),
        "RASA_ENDPOINTS": str(PRODUCTION_ENDPOINTS),
        "RASA_CREDENTIALS": str(PRODUCTION_CREDENTIALS),
        "REDIS_LOCK_PREFIX": dbs.redis_prefix,
    })
    base.update(extra or {})
    return stack.laptop_env(base, secrets_path=var / "secrets.env")


class Cluster:
    """The backend, the action server and `rasa_count` Rasa servers sharing the stores."""

    def __init__(self, env: Mapping[str, str], rasa_count: int = 2,
                 dbs: Optional[Databases] = None, extra: Optional[ServiceFactories] = None
                 ) -> None:
        self.env = dict(env)
        self.dbs = dbs
        self.supervisor = stack.Supervisor(self.env, quiet=True)
        ports = [self.env["RASA_PORT"]] + [str(free_port()) for _ in range(rasa_count - 1)]
        self.factories: Dict[str, Callable[[], stack.Service]] = {
            "backend": lambda: stack.backend_service(self.env),
            "actions": lambda: stack.actions_service(self.env),
        }
        for n, port in enumerate(ports, 1):
            self.factories[f"rasa-{n}"] = (
                lambda port=port, n=n: stack.rasa_service(self.env, name=f"rasa-{n}", port=port))
        for name, make in (extra or {}).items():  # e.g. the Telegram gateway
            self.factories[name] = lambda make=make: make(self.env)
        self.rasa_urls = [f"http://{self.env['RASA_HOST']}:{p}" for p in ports]
        self.running: Dict[str, stack.Service] = {}

    async def start(self, *names: str) -> None:
        """Starts the named services (all when none are named) and waits until healthy."""
        started = [self.factories[name]() for name in (names or tuple(self.factories))]
        for service in started:
            await self.supervisor.start(service)
            self.running[service.name] = service
        await asyncio.gather(*(self.supervisor.wait_healthy(s) for s in started))

    async def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30.0) -> None:
        """Stops one service (SIGKILL: as if it crashed) and waits until it is gone."""
        service = self.running.pop(name)
        proc = service.process
        if proc is None or proc.returncode is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            await asyncio.wait_for(proc.wait(), timeout)
        except asyncio.TimeoutError:
            os.killpg(proc.pid, signal.SIGKILL)
            await proc.wait()
        except ProcessLookupError:
            pass

    def pids(self) -> Dict[str, int]:
        """The process id of each running service, by name (for memory sampling)."""
        return {name: s.process.pid for name, s in self.running.items() if s.process}

    async def close(self) -> None:
        """Stop every service of the cluster."""
        self.running.clear()
        await self.supervisor.stop()


@contextlib.asynccontextmanager
async def running(var: Path, rasa_count: int = 2, extra: Optional[Mapping[str, str]] = None,
                  services: Optional[ServiceFactories] = None) -> AsyncIterator[Cluster]:
    """A whole cluster on fresh databases, started and healthy; removed afterwards.
    `extra` adds to the environment; `services` adds services, by name."""
    dbs = Databases()
    dbs.create()
    cluster = Cluster(production_env(var, dbs, extra), rasa_count, dbs, services)
    try:
        await cluster.start()
        yield cluster
    finally:
        await cluster.close()
        dbs.drop()


def rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (Sanic workers), in KiB."""
    total = 0
    for p in [pid] + descendants(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def descendants(pid: int) -> List[int]:
    """Every process started below `pid` (Rasa's workers too), read from /proc."""
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except (FileNotFoundError, ProcessLookupError):
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found: List[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found
