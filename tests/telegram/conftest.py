"""The real gateway against a fake Bot API, with the real Rasa, action server and backend.

Started once per session: the stack of tests/e2e with a gateway in polling mode; a second
gateway in webhook mode on the same Rasa; a third with no Rasa behind it (nothing listens
on its RASA_URL) and a recording backend, for failures and the "person left" notice.
Every test talks from a chat id of its own, so conversations never share state. Any
getFile call, file download or unknown Bot API method fails the test that caused it.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.telegram.ids import ConversationIds
from bot.telegram.settings import Settings
from bot.tools import stack
from tests.support.servers import BackgroundLoop, Stack, free_port, running, stack_env
from tests.telegram.fake_backend import RecordingBackend
from tests.telegram.fake_bot_api import FakeBot, FakeBotApi, FakeChat

POLLING_TOKEN = "7000001:polling-test-token"
WEBHOOK_TOKEN = "7000002:webhook-test-token"
ALONE_TOKEN = "7000003:alone-test-token"
CLEAR_NOTE_SECONDS = 2
# Tests that use any of these need the whole stack and so a trained model (make test-e2e);
# the others are unit tests of the gateway's modules (make test-unit runs them).
STACK_FIXTURES = frozenset({"servers", "polling", "webhook", "alone"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that need the stack `stack`, so each make target picks its own."""
    for item in items:
        if STACK_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.stack)


@dataclass
class Gateway:
    """A running gateway process, as the tests reach it."""

    env: dict[str, str]
    bot: FakeBot
    log_path: Path

    def log(self) -> str:
        """Everything the gateway has printed so far."""
        return self.log_path.read_text(encoding="utf-8")

    @property
    def url(self) -> str:
        return f"http://{self.env['TELEGRAM_HOST']}:{self.env['TELEGRAM_PORT']}"

    @property
    def ids(self) -> ConversationIds:
        return ConversationIds(Settings.from_env(self.env).id_key)

    def new_chat(self) -> FakeChat:
        """A person nobody has talked to yet."""
        return self.bot.chat(secrets.randbelow(2**40) + 10**6)


def gateway_env(api: FakeBotApi, token: str, var: Path, **extra: str) -> dict[str, str]:
    port = free_port()
    return {"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_BASE_URL": api.url,
            "TELEGRAM_HOST": "127.0.0.1", "TELEGRAM_PORT": str(port),
            "TELEGRAM_GATEWAY_URL": f"http://127.0.0.1:{port}",
            "TELEGRAM_STATE_PATH": str(var / f"telegram-{token.split(':')[1]}.db"),
            "TELEGRAM_CLEAR_NOTE_SECONDS": str(CLEAR_NOTE_SECONDS), **extra}


@contextlib.contextmanager
def gateway_process(env: dict[str, str], log_dir: Path) -> Iterator[Path]:
    """Runs `python -m bot.telegram` with this environment until the block ends; yields
    the file its output goes to."""
    supervisor = stack.Supervisor(env, quiet=True, log_dir=log_dir)
    loop = BackgroundLoop()
    service = stack.telegram_service(env)
    try:
        loop.run(supervisor.start(service))
        loop.run(supervisor.wait_healthy(service), timeout=120)
        yield log_dir / f"{service.name}.log"
    finally:
        loop.run(supervisor.stop(), timeout=60)
        loop.close()


@pytest.fixture(scope="session")
def fake_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi().start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def servers(tmp_path_factory, fake_api) -> Iterator[Stack]:
    var = tmp_path_factory.mktemp("var")
    # MFA_ROLES: the staff member of test_takeover.py signs in with a password alone (a
    # laptop may exempt roles); tests/backend/test_mfa.py covers the second factor.
    env = gateway_env(fake_api, POLLING_TOKEN, var, TELEGRAM_MODE="polling",
                      MFA_ROLES="admin")
    with running(var, env, lambda e: [stack.telegram_service(e)]) as started:
        yield started


@pytest.fixture(scope="session")
def polling(servers, fake_api) -> Gateway:
    return Gateway(servers.env, fake_api.bot(POLLING_TOKEN),
                   servers.var / "logs" / "telegram.log")


@pytest.fixture(scope="session")
def webhook(servers, fake_api) -> Iterator[Gateway]:
    env = dict(servers.env)
    env.update(gateway_env(fake_api, WEBHOOK_TOKEN, servers.var, TELEGRAM_MODE="webhook"))
    env["TELEGRAM_WEBHOOK_URL"] = f"{env['TELEGRAM_GATEWAY_URL']}/telegram/webhook"
    with gateway_process(env, servers.var / "logs-webhook") as log:
        yield Gateway(env, fake_api.bot(WEBHOOK_TOKEN), log)


@pytest.fixture(scope="session")
def recording_backend() -> Iterator[RecordingBackend]:
    backend = RecordingBackend(status=404).start()
    yield backend
    backend.stop()


@pytest.fixture(scope="session")
def alone(tmp_path_factory, fake_api, recording_backend) -> Iterator[Gateway]:
    var = tmp_path_factory.mktemp("alone")
    env = stack_env(var, gateway_env(fake_api, ALONE_TOKEN, var,
                                     BACKEND_URL=recording_backend.url))
    with gateway_process(env, var / "logs") as log:  # nothing listens at its RASA_URL
        yield Gateway(env, fake_api.bot(ALONE_TOKEN), log)


@pytest.fixture(autouse=True)
def no_violations(fake_api) -> Iterator[None]:
    """Fails the test if anything asked for a file or for a method the fake lacks."""
    yield
    found = [v for bot in fake_api.bots.values() for v in bot.violations]
    for bot in fake_api.bots.values():
        bot.violations.clear()
    assert not found, found
