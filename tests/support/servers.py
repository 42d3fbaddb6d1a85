"""The real servers for end-to-end tests: Rasa, the action server and the backend (and any
other service a suite adds), started on free loopback ports with data in a temporary
folder, supervised by the same code as `make run` (bot/tools/stack.py)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Mapping, Optional

from bot.tools import stack


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    env: Dict[str, str]
    var: Path

    @property
    def rasa(self) -> str:
        return self.env["RASA_URL"]

    @property
    def backend(self) -> str:
        return self.env["BACKEND_URL"]


class BackgroundLoop:
    """An event loop in a thread that owns the supervised processes for a session."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro, timeout=None):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def stack_env(var: Path, extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    base = {k: v for k, v in stack.laptop_env(secrets_path=var / "secrets.env").items()
            if not k.endswith(("_URL", "_PORT", "_PATH"))}
    base.update({
        "RASA_PORT": str(free_port()), "ACTIONS_PORT": str(free_port()),
        "BACKEND_PORT": str(free_port()),
        "TRACKER_DATABASE_URL": f"sqlite:///{var / 'rasa-tracker.db'}",
        "DATABASE_URL": f"sqlite:///{var / 'backend.db'}",
        "OUTBOX_PATH": str(var / "outbox.db"),
    })
    base.update(extra or {})
    return stack.laptop_env(base, secrets_path=var / "secrets.env")


@contextlib.contextmanager
def running(var: Path, extra_env: Optional[Mapping[str, str]] = None,
            extra_services: Optional[Callable[[Dict[str, str]], List[stack.Service]]] = None
            ) -> Iterator[Stack]:
    """Starts backend, actions and Rasa (then any extra services), waits until all are
    healthy, and stops them all afterwards."""
    env = stack_env(var, extra_env)
    supervisor = stack.Supervisor(env, quiet=True, log_dir=var / "logs")
    loop = BackgroundLoop()
    services = [stack.backend_service(env), stack.actions_service(env),
                stack.rasa_service(env)] + (extra_services(env) if extra_services else [])
    try:
        for service in services:
            loop.run(supervisor.start(service))
        for service in services:
            loop.run(supervisor.wait_healthy(service), timeout=300)
        yield Stack(env, var)
    finally:
        loop.run(supervisor.stop(), timeout=60)
        loop.close()
