"""`make bench-load`: many concurrent conversations through the REST webhook, this assistant
in its production configuration against the stock `rasa init` bot, in one run.

The assistant runs as in docker-compose.yml: PostgreSQL tracker store and backend, Redis
lock store, the action server, and several Rasa processes (`--rasa-processes`, each
message sent to the next one in turn, as a load balancer would) or Sanic workers
(`--sanic-workers`). The stock bot runs as `rasa run` does by default: one process, trackers
in memory. Each bot runs alone. Reported: throughput, latency percentiles, errors (anything
but a 200 with replies, including the assistant's degraded replies), cross-talk (replies
that belong to another conversation: bot/bench/personas.py) and each process's memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Sequence

import aiohttp

from bot.bench import personas, scripts
from bot.bench.compare import STOCK_DIR, ensure_stock_bot
from bot.bench.production import free_port, rss_kib, running
from bot.tools import stack

RESULTS = stack.ROOT / "results" / "bench-load.json"
DEGRADED = ("isn't working right now", "didn't reach me")


@dataclass
class Figures:
    """One load run: messages, throughput, latency percentiles, errors and peak memory."""

    name: str
    conversations: int
    messages: int
    seconds: float
    throughput_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    cross_talk: int
    peak_rss_mib: Dict[str, float] = field(default_factory=dict)
    examples: List[str] = field(default_factory=list)


class Load:
    """Sends conversations, spreading messages over the servers in turn, and keeps score."""

    def __init__(self, session: aiohttp.ClientSession, servers: Sequence[str]) -> None:
        self.session = session
        self.urls = [f"{s}/webhooks/rest/webhook" for s in servers]
        self.turn = 0
        self.latencies: List[float] = []
        self.errors = 0
        self.cross_talk = 0
        self.examples: List[str] = []  # the first problems found, to say what went wrong

    async def send(self, sender: str, text: str) -> List[Dict[str, Any]]:
        """One message to the next server in turn; the replies (a failure is counted and
        kept as an example)."""
        url = self.urls[self.turn % len(self.urls)]
        self.turn += 1
        started = time.perf_counter()
        try:
            async with self.session.post(url, json={"sender": sender, "message": text}) as r:
                replies = await r.json() if r.status == 200 else None
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            replies = None
        self.latencies.append((time.perf_counter() - started) * 1000)
        texts = " ".join((r.get("text") or "") for r in replies or [])
        if not replies or any(d in texts for d in DEGRADED):
            self.errors += 1
            self._example(f"error on {text[:40]!r}: {texts[:80] or 'no reply'}")
        return replies or []

    def _example(self, problem: str) -> None:
        if len(self.examples) < 5:
            self.examples.append(problem)

    async def persona(self, index: int) -> None:
        """One scripted person's whole conversation; any reply meant for another
        conversation is a problem."""
        person = personas.persona(index)
        turns = [await self.send(person.sender, m) for m in person.messages()]
        problems = personas.cross_talk(person, turns)
        if problems:
            self.cross_talk += 1
            self._example(f"cross-talk in conversation {index}: {problems[:3]}")

    async def stock(self, index: int) -> None:
        """One stock-bot conversation, for the same load on `rasa init`."""
        sender = f"stock-{uuid.uuid4().hex}"
        foreign = False
        for text in scripts.STOCK_LOAD[index % len(scripts.STOCK_LOAD)]:
            replies = await self.send(sender, text)
            foreign |= any(r.get("recipient_id") != sender for r in replies)
        if foreign:  # the stock bot says nothing to tell people apart: addresses only
            self.cross_talk += 1


async def measure(name: str, servers: Sequence[str], pids: Dict[str, int],
                  conversations: int, stock: bool) -> Figures:
    """Warms every server up, then runs `conversations` conversations all at once."""
    connector = aiohttp.TCPConnector(limit=conversations)
    async with aiohttp.ClientSession(connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=300)) as session:
        for n in range(2 * len(servers)):  # warm up: every path on every server
            warm = Load(session, servers)
            await (warm.stock(n) if stock else warm.persona(n))
        load = Load(session, servers)
        peaks: Dict[str, int] = {}
        sampler = asyncio.create_task(sample_rss(pids, peaks))
        started = time.perf_counter()
        await asyncio.gather(*((load.stock(n) if stock else load.persona(n))
                               for n in range(conversations)))
        elapsed = time.perf_counter() - started
        sampler.cancel()
    ordered = sorted(load.latencies)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return Figures(name, conversations, len(ordered), round(elapsed, 1),
                   round(len(ordered) / elapsed, 1), pct(0.50), pct(0.95), pct(0.99),
                   load.errors, load.cross_talk,
                   {k: round(v / 1024, 1) for k, v in peaks.items()}, load.examples)


async def sample_rss(pids: Dict[str, int], peaks: Dict[str, int]) -> None:
    """Record each process's peak resident memory, every second, until cancelled."""
    while True:
        for name, pid in pids.items():
            peaks[name] = max(peaks.get(name, 0), rss_kib(pid))
        await asyncio.sleep(1.0)


async def stock_figures(conversations: int) -> Figures:
    """The stock bot under the same number of concurrent conversations."""
    model = ensure_stock_bot()
    env = stack.laptop_env()
    port = str(free_port())
    service = stack.Service(
        "stock", [str(stack.RASA_PY), "-m", "rasa", "run", "--model", str(model),
                  "--endpoints", str(STOCK_DIR / "endpoints.yml"),
                  "--credentials", str(STOCK_DIR / "credentials.yml"),
                  "--interface", "127.0.0.1", "--port", port],
        f"http://127.0.0.1:{port}/", startup_seconds=240)
    supervisor = stack.Supervisor(env, quiet=True)
    try:
        await supervisor.start(service)
        await supervisor.wait_healthy(service)
        assert service.process
        return await measure("stock rasa init, 1 process", [f"http://127.0.0.1:{port}"],
                             {"stock rasa": service.process.pid}, conversations, stock=True)
    finally:
        await supervisor.stop()


async def assistant_figures(conversations: int, processes: int, workers: int) -> Figures:
    """The assistant on PostgreSQL and Redis with `processes` Rasa servers."""
    work = stack.VAR / "bench" / f"load-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    try:
        async with running(work, rasa_count=processes,
                           extra={"SANIC_WORKERS": str(workers)}) as cluster:
            name = (f"assistant, {processes} Rasa process(es) x {workers} worker(s), "
                    "PostgreSQL + Redis")
            return await measure(name, cluster.rasa_urls, cluster.pids(), conversations,
                                 stock=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(figures: List[Figures]) -> str:
    """The figures as text, one block per run."""
    lines = []
    for f in figures:
        lines += [f"{f.name}",
                  f"  {f.conversations} concurrent conversations, {f.messages} messages in "
                  f"{f.seconds} s: {f.throughput_per_s} msg/s",
                  f"  latency p50 {f.p50_ms} ms, p95 {f.p95_ms} ms, p99 {f.p99_ms} ms",
                  f"  errors {f.errors}, cross-talk {f.cross_talk}",
                  "  peak memory (RSS, with child processes): "
                  + ", ".join(f"{k} {v} MiB" for k, v in f.peak_rss_mib.items())]
        lines += [f"  e.g. {example}" for example in f.examples]
    if len(figures) == 2:
        ratio = figures[1].throughput_per_s / figures[0].throughput_per_s
        lines.append(f"throughput ratio, assistant / stock: {ratio:.2f} (target >= 1.5)")
    return "\n".join(lines)


async def main() -> None:
    """Run the load on the assistant and on the stock bot; print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--rasa-processes", type=int, default=2)
    parser.add_argument("--sanic-workers", type=int, default=1)
    parser.add_argument("--skip-stock", action="store_true")
    args = parser.parse_args()
    figures = []
    if not args.skip_stock:
        print("measuring the stock `rasa init` bot ...", flush=True)
        figures.append(await stock_figures(args.conversations))
    print("measuring this assistant ...", flush=True)
    figures.append(await assistant_figures(args.conversations, args.rasa_processes,
                                           args.sanic_workers))
    print()
    print(table(figures))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps([asdict(f) for f in figures], indent=2))
    print(f"\nfigures written to {RESULTS.relative_to(stack.ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
