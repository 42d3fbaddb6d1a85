"""Starting the gateway: clear one-line errors, never a token in the output."""

from __future__ import annotations

import subprocess
import sys

from tests.support.servers import free_port, stack_env

TOKEN = "0:revoked-secret-token-value"


def start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.telegram"], env=env, text=True,
                          capture_output=True, timeout=60)


def base_env(tmp_path, **extra: str) -> dict[str, str]:
    env = stack_env(tmp_path, {"TELEGRAM_PORT": str(free_port()),
                               "TELEGRAM_STATE_PATH": ":memory:", **extra})
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.update(extra)
    return env


def test_without_a_token_it_says_so(tmp_path):
    result = start(base_env(tmp_path))
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is required" in result.stderr


def test_a_refused_token_is_named_but_not_printed(tmp_path, fake_api):
    result = start(base_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=fake_api.url))
    assert result.returncode == 1
    assert "Telegram refused TELEGRAM_BOT_TOKEN" in result.stderr
    assert "revoked-secret" not in result.stderr + result.stdout


def test_an_unreachable_bot_api_is_one_clear_line(tmp_path):
    result = start(base_env(tmp_path, TELEGRAM_BOT_TOKEN="1:unreachable-secret",
                            TELEGRAM_BASE_URL=f"http://127.0.0.1:{free_port()}"))
    assert result.returncode == 1
    assert "cannot reach the Telegram Bot API" in result.stderr
    assert "Traceback" not in result.stderr and "unreachable-secret" not in result.stderr
