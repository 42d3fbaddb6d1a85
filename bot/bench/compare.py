"""`make bench`: latency and throughput of scripted conversations through the REST
webhook, this assistant against a stock `rasa init` bot, on this machine, in one run.

Each bot runs alone (never both at once): sequential conversations give per-message
latency; then 20 conversations at a time for a fixed period give throughput. The stock
bot is built once with `rasa init` into var/bench/stock and reused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, List, Sequence

import aiohttp

from bot.bench import scripts
from bot.tools import stack

STOCK_DIR = stack.VAR / "bench" / "stock"
RESULTS = stack.ROOT / "results" / "bench.json"


@dataclass
class Figures:
    """One bot's latency and throughput figures, as the table and bench.json show them."""

    name: str
    sequential_messages: int
    median_ms: float
    p95_ms: float
    concurrent: int
    concurrent_messages: int
    throughput_per_s: float
    errors: int


def ensure_stock_bot() -> Path:
    """The stock `rasa init` bot's model, trained once into var/bench/stock."""
    models = STOCK_DIR / "models"
    if not any(models.glob("*.tar.gz")):
        shutil.rmtree(STOCK_DIR, ignore_errors=True)
        STOCK_DIR.mkdir(parents=True)
        subprocess.run([str(stack.RASA_PY), "-m", "rasa", "init", "--no-prompt",
                        "--init-dir", str(STOCK_DIR)], check=True, cwd=STOCK_DIR,
                       env=stack.laptop_env(), stdout=subprocess.DEVNULL)
    return next(models.glob("*.tar.gz"))


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> float:
    """One message through Rasa's REST webhook; its latency in milliseconds (an empty
    answer is an error)."""
    started = time.perf_counter()
    async with session.post(url, json={"sender": sender, "message": text}) as response:
        body = await response.json()
        if response.status != 200 or not body:
            raise RuntimeError(f"status {response.status}, {len(body or [])} replies")
    return (time.perf_counter() - started) * 1000


async def measure(name: str, url: str, conversations: Sequence[Sequence[str]],
                  rounds: int, concurrent: int, seconds: float) -> Figures:
    """Warm every path up, time the scripts one message at a time, then load the bot with
    `concurrent` conversations for `seconds`."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        for script in conversations:  # warm up every path once
            sender = f"warm-{uuid.uuid4().hex}"
            for text in script:
                await send(session, url, sender, text)
        latencies: List[float] = []
        for _ in range(rounds):
            for script in conversations:
                sender = f"seq-{uuid.uuid4().hex}"
                for text in script:
                    latencies.append(await send(session, url, sender, text))

        done = 0
        errors = 0
        deadline = time.perf_counter() + seconds

        async def worker(index: int) -> None:
            nonlocal done, errors
            turn = index
            while time.perf_counter() < deadline:
                script = conversations[turn % len(conversations)]
                sender = f"load-{uuid.uuid4().hex}"
                for text in script:
                    if time.perf_counter() >= deadline:
                        return
                    try:
                        await send(session, url, sender, text)
                        done += 1
                    except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError):
                        errors += 1
                turn += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrent)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return Figures(name, len(latencies), round(statistics.median(ordered), 1),
                   round(ordered[int(0.95 * (len(ordered) - 1))], 1), concurrent, done,
                   round(done / elapsed, 1), errors)


async def run_bot(name: str, services: List[stack.Service], env: Dict[str, str],
                  url: str, conversations, args) -> Figures:
    """Start a bot's services, measure it, and stop them whatever happens."""
    supervisor = stack.Supervisor(env, quiet=True)
    try:
        for service in services:
            await supervisor.start(service)
        for service in services:
            await supervisor.wait_healthy(service)
        return await measure(name, url, conversations, args.rounds, args.concurrent,
                             args.seconds)
    finally:
        await supervisor.stop()


def table(ours: Figures, stock: Figures) -> str:
    """The two bots side by side, with the ratio and the target for each figure."""
    rows = [
        ("sequential median latency (ms)", ours.median_ms, stock.median_ms,
         ours.median_ms / stock.median_ms, "<= 1.5"),
        ("sequential p95 latency (ms)", ours.p95_ms, stock.p95_ms,
         ours.p95_ms / stock.p95_ms, ""),
        (f"throughput at {ours.concurrent} conversations (msg/s)", ours.throughput_per_s,
         stock.throughput_per_s, ours.throughput_per_s / stock.throughput_per_s, ">= 1.0"),
        ("errors", ours.errors, stock.errors, None, "0"),
    ]
    lines = [f"{'':42} {'assistant':>10} {'stock':>10} {'ratio':>7}  target",
             "-" * 80]
    for label, a, b, ratio, target in rows:
        r = f"{ratio:7.2f}" if ratio is not None else " " * 7
        lines.append(f"{label:42} {a:>10} {b:>10} {r}  {target}")
    return "\n".join(lines)


async def main() -> None:
    """Measure the assistant and the stock bot in the same run, print the table, write
    results/bench.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()

    stock_model = ensure_stock_bot()
    work = stack.VAR / "bench" / f"run-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    env = stack.laptop_env()
    env.update({"TRACKER_DATABASE_URL": f"sqlite:///{work / 'rasa-tracker.db'}",
                "DATABASE_URL": f"sqlite:///{work / 'backend.db'}",
                "OUTBOX_PATH": str(work / "outbox.db")})
    rest = f"{env['RASA_URL']}/webhooks/rest/webhook"
    try:
        stock_service = stack.Service(
            "stock", [str(stack.RASA_PY), "-m", "rasa", "run", "--model", str(stock_model),
                      "--endpoints", str(STOCK_DIR / "endpoints.yml"),
                      "--credentials", str(STOCK_DIR / "credentials.yml"),
                      "--interface", env["RASA_HOST"], "--port", env["RASA_PORT"]],
            f"{env['RASA_URL']}/", startup_seconds=240)
        print("measuring the stock `rasa init` bot ...", flush=True)
        stock = await run_bot("stock rasa init", [stock_service], env, rest,
                              scripts.STOCK, args)
        print("measuring this assistant ...", flush=True)
        ours = await run_bot("assistant", [stack.backend_service(env),
                                           stack.actions_service(env), stack.rasa_service(env)],
                             env, rest, scripts.ASSISTANT, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(table(ours, stock))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"assistant": asdict(ours), "stock": asdict(stock)},
                                  indent=2))
    print(f"\nfigures written to {RESULTS.relative_to(stack.ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
