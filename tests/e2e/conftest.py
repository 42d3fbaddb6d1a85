"""End-to-end: the real Rasa server, action server and backend, started once per session
on free loopback ports with their data in a temporary folder."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator

import pytest

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


class _Loop:
    """A background event loop that owns the supervised processes for the session."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro, timeout=None):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="session")
def servers(tmp_path_factory) -> Iterator[Stack]:
    var = tmp_path_factory.mktemp("var")
    base = {k: v for k, v in stack.laptop_env(secrets_path=var / "secrets.env").items()
            if not k.endswith(("_URL", "_PORT", "_PATH"))}
    base.update({
        "RASA_PORT": str(free_port()), "ACTIONS_PORT": str(free_port()),
        "BACKEND_PORT": str(free_port()),
        "TRACKER_DATABASE_URL": f"sqlite:///{var / 'rasa-tracker.db'}",
        "DATABASE_URL": f"sqlite:///{var / 'backend.db'}",
        "OUTBOX_PATH": str(var / "outbox.db"),
    })
    env = stack.laptop_env(base, secrets_path=var / "secrets.env")
    supervisor = stack.Supervisor(env, quiet=True)
    loop = _Loop()
    services = [stack.backend_service(env), stack.actions_service(env),
                stack.rasa_service(env)]
    try:
        for service in services:
            loop.run(supervisor.start(service))
        for service in services:
            loop.run(supervisor.wait_healthy(service), timeout=300)
        yield Stack(env, var)
    finally:
        loop.run(supervisor.stop(), timeout=60)
        loop.close()
