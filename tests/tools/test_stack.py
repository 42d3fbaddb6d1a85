"""Laptop configuration for `make run`: generated secrets, embedded defaults."""

import stat
import subprocess

from bot.tools import stack


def test_secrets_are_generated_once_and_private(tmp_path):
    path = tmp_path / "secrets.env"
    first = stack.laptop_secrets(path)
    assert set(stack.SECRET_FACTORIES) <= set(first)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stack.laptop_secrets(path) == first  # stable across runs


def test_missing_secrets_are_added_without_changing_others(tmp_path):
    path = tmp_path / "secrets.env"
    path.write_text("RASA_TOKEN=keep-me\n")
    values = stack.laptop_secrets(path)
    assert values["RASA_TOKEN"] == "keep-me"
    assert values["TRACKER_ENCRYPTION_KEYS"]


def test_environment_overrides_defaults(tmp_path):
    env = stack.laptop_env({"RASA_PORT": "6000", "RASA_TOKEN": "from-env"},
                           secrets_path=tmp_path / "s.env")
    assert env["RASA_URL"] == "http://127.0.0.1:6000"
    assert env["RASA_TOKEN"] == "from-env"
    assert env["TRACKER_DATABASE_URL"].startswith("sqlite:///")
    assert env["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:5055/webhook"


def test_rasa_is_always_started_with_its_api_token(tmp_path):
    env = stack.laptop_env({}, secrets_path=tmp_path / "s.env")
    argv = stack.rasa_service(env).argv
    assert "--enable-api" in argv and f"--auth-token={env['RASA_TOKEN']}" in argv
    assert argv[argv.index("--interface") + 1] == "127.0.0.1"


def test_python310_finder_fails_clearly_when_there_is_none(tmp_path):
    result = subprocess.run(
        [str(stack.ROOT / "bot" / "tools" / "find-python310.sh")],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHON310": "/nonexistent"},
        capture_output=True, text=True)
    if result.returncode == 0:  # this machine has a system python3.10 on PATH
        assert result.stdout.strip().endswith("3.10")
    else:
        assert "Rasa 3.6.21 needs Python 3.10" in result.stderr


def test_a_token_starting_with_a_dash_is_still_one_argument(tmp_path):
    env = stack.laptop_env({"RASA_TOKEN": "-starts-with-dash"}, secrets_path=tmp_path / "s.env")
    assert "--auth-token=-starts-with-dash" in stack.rasa_service(env).argv
