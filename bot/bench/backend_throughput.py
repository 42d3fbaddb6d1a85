"""Benchmarks: ingest throughput, and the queue page with 10,000 open cases.

Usage:
    python -m bot.bench.backend_throughput [--referrals 5000] [--cases 10000] [--concurrency 1,16,64]
                                [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
                                [--no-postgres]

For each database (a fresh SQLite file; a fresh, uniquely named PostgreSQL database made
from the maintenance URL and dropped afterwards) the backend runs as its own process
(`python -m bot.backend`, access log on, as in production) and this process sends the
load over loopback HTTP, from 1, 16 and 64 concurrent senders (an outbox relay sending
one at a time; a busy service; a relay draining a backlog after an outage). Figures are
for one server process. Targets: at least 500 referrals/s; the queue page under 200 ms
with 10,000 open cases.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

from bot.backend.ops.create_staff_user import create_user
from bot.backend.settings import PROJECT_ROOT, Settings
from bot.contract import AGE_BANDS, SITUATIONS
from bot.contract import RISK_FLAGS as FLAGS

PASSWORD = "benchmark password, not secret"


def event(kind: str, conversation: str) -> dict[str, Any]:
    """A plausible referral or handoff event."""
    now = dt.datetime.now(dt.UTC).isoformat()
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()), "kind": kind, "conversation_id": conversation,
        "channel": random.choice(("socketio", "telegram", "rest")), "created_at": now,
        "jurisdiction": random.choice(("GB-ENG", "GB-SCT", "IE", "US", None)),
        "age_band": random.choice(AGE_BANDS), "role": "self",
        "situation": random.choice(SITUATIONS),
        "perpetrator": "unknown", "risk_flags": random.sample(FLAGS, random.randint(0, 2)),
        "routes_offered": ["evidence", "takedown"], "services_offered": ["stopncii"],
        "platforms": [random.choice(("instagram", "tiktok", "x", "snapchat"))],
        "consent": kind == "handoff", "consent_at": now if kind == "handoff" else None,
        "handoff": None,
    }
    if kind == "handoff":
        body["handoff"] = {"summary": "Images shared without consent; wants them removed.",
                           "contact_method": "email", "contact_details": "v@example.org",
                           "safe_time": "weekday evenings"}
    return body


async def send_all(base: str, token: str, events: list[dict[str, Any]],
                   concurrency: int) -> tuple[float, list[float]]:
    """POST every event with `concurrency` workers; return the rate and each latency."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for item in events:
        queue.put_nowait(item)
    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}

    async def worker(http: aiohttp.ClientSession) -> None:
        while not queue.empty():
            body = queue.get_nowait()
            started = time.perf_counter()
            async with http.post(f"{base}/api/v1/events", json=body, headers=headers) as reply:
                if reply.status not in (200, 201):
                    raise RuntimeError(f"ingest failed: {reply.status} {await reply.text()}")
            latencies.append(time.perf_counter() - started)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return len(events) / elapsed, latencies


async def time_queue(base: str, email: str, rounds: int) -> dict[str, float]:
    """Sign in, then time the first and the last queue page, `rounds` times each."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        page = await (await http.get(f"{base}/staff/login")).text()
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        await http.post(f"{base}/staff/login",
                        data={"csrf_token": token, "email": email, "password": PASSWORD})
        figures = {}
        for label, query in (("first page", ""), ("last page", "?page=200")):
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                async with http.get(f"{base}/staff/queue{query}") as reply:
                    await reply.read()
                    if reply.status != 200 or reply.url.path != "/staff/queue":
                        raise RuntimeError("the queue page did not load")
                times.append(time.perf_counter() - started)
            figures[f"{label} median"] = statistics.median(times) * 1000
            figures[f"{label} p95"] = sorted(times)[int(len(times) * 0.95) - 1] * 1000
    return figures


@contextlib.asynccontextmanager
async def backend(database_url: str, workdir: Path) -> AsyncIterator[tuple[str, str]]:
    """Run `python -m bot.backend` on a free port; yield its base URL and service token."""
    token = secrets.token_urlsafe(32)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "DATABASE_URL": database_url,
           "TRACKER_DATABASE_URL": f"sqlite:///{workdir}/tracker.db",
           "BACKEND_SERVICE_TOKEN": token, "BACKEND_PORT": str(port),
           "BACKEND_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
           "RETENTION_INTERVAL_MINUTES": "0",
           # The benchmark times ingest and the queue page, not signing in: its staff user
           # signs in with a password alone (never a production setting: it refuses this).
           "MFA_ROLES": ""}
    with (workdir / f"server-{port}.log").open("w") as log:
        server = subprocess.Popen([sys.executable, "-m", "bot.backend"], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            await _wait_until_healthy(base)
            yield base, token
        finally:
            server.terminate()
            server.wait(timeout=30)


async def run_one(name: str, database_url: str, args: argparse.Namespace,
                  workdir: Path) -> None:
    """Benchmark one database and print its figures."""
    concurrency = [int(level) for level in args.concurrency.split(",")]
    async with backend(database_url, workdir) as (base, token):
        await send_all(base, token, [event("referral", f"warm-{n}") for n in range(200)], 16)
        for level in concurrency:
            count = min(args.referrals, 500 * level)
            referrals = [event("referral", f"r{level}-{n}") for n in range(count)]
            rate, latencies = await send_all(base, token, referrals, level)
            print(f"{name}: ingest {rate:,.0f} referrals/s with {level} concurrent senders "
                  f"({count} events; median {statistics.median(latencies) * 1000:.1f} ms, "
                  f"p95 {sorted(latencies)[int(len(latencies) * 0.95)] * 1000:.1f} ms)")
        handoffs = [event("handoff", f"h-{n}") for n in range(args.cases)]
        rate, _ = await send_all(base, token, handoffs, max(concurrency))
        print(f"{name}: ingest {rate:,.0f} handoffs/s ({args.cases} open cases created)")
        settings = Settings.from_env({"DATABASE_URL": database_url})
        await create_user(settings, "bench@example.org", "advisor", PASSWORD)
        figures = await time_queue(base, "bench@example.org", args.rounds)
        print(f"{name}: queue page with {args.cases:,} open cases: " + ", ".join(
            f"{label} {value:.1f} ms" for label, value in figures.items()))


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A fresh, uniquely named database, dropped afterwards."""
    name = f"backend_bench_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _wait_until_healthy(base: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"{base}/healthz") as reply:
                    if reply.status == 200:
                        return
            await asyncio.sleep(0.05)
    raise RuntimeError("the backend did not start; see the server log in the work folder")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def main(argv: list[str] | None = None) -> None:
    """Run the benchmarks on SQLite, then on PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=5000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--concurrency", default="1,16,64",
                        help="comma-separated numbers of concurrent senders")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--postgres", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="backend-bench-") as folder:
        workdir = Path(folder)
        asyncio.run(run_one("SQLite", f"sqlite:///{workdir}/backend.db", args, workdir))
        if not args.no_postgres:
            with postgres_database(args.postgres) as url:
                asyncio.run(run_one("PostgreSQL", url, args, workdir))


if __name__ == "__main__":
    main()
