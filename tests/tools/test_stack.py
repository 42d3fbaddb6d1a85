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


def test_rasa_gets_its_api_token_from_the_environment_never_the_command_line(tmp_path):
    env = stack.laptop_env({}, secrets_path=tmp_path / "s.env")
    service = stack.rasa_service(env)
    assert "--enable-api" in service.argv
    assert not any(env["RASA_TOKEN"] in arg or arg.startswith("--auth-token")
                   for arg in service.argv)
    assert "RASA_TOKEN" not in service.withheld
    assert service.argv[service.argv.index("--interface") + 1] == "127.0.0.1"


def test_each_process_is_denied_the_secrets_it_does_not_use(tmp_path):
    env = stack.laptop_env({}, secrets_path=tmp_path / "s.env")
    actions = stack.actions_service(env)
    assert "bot.action_gate" in actions.argv
    assert {"TRACKER_ENCRYPTION_KEYS", "RASA_TOKEN"} <= set(actions.withheld)
    assert "OUTBOX_ENCRYPTION_KEYS" not in actions.withheld
    assert {"TRACKER_ENCRYPTION_KEYS", "ACTION_SERVER_TOKEN"} <= set(
        stack.backend_service(env).withheld)
    assert {"BACKEND_SERVICE_TOKEN", "RASA_TOKEN"} <= set(stack.telegram_service(env).withheld)
    assert {"BACKEND_SERVICE_TOKEN", "OUTBOX_ENCRYPTION_KEYS"} <= set(
        stack.rasa_service(env).withheld)


def test_every_new_secret_has_a_laptop_default(tmp_path):
    values = stack.laptop_secrets(tmp_path / "s.env")
    for name in ("OUTBOX_ENCRYPTION_KEYS", "ACTION_SERVER_TOKEN", "BACKEND_GATEWAY_TOKEN"):
        assert len(values[name]) >= 32
    assert values["OUTBOX_ENCRYPTION_KEYS"] != values["TRACKER_ENCRYPTION_KEYS"]


def test_python310_finder_fails_clearly_when_there_is_none(tmp_path):
    result = subprocess.run(
        [str(stack.ROOT / "bot" / "tools" / "find-python310.sh")],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHON310": "/nonexistent"},
        capture_output=True, text=True)
    if result.returncode == 0:  # this machine has a system python3.10 on PATH
        assert result.stdout.strip().endswith("3.10")
    else:
        assert "Rasa 3.6.21 needs Python 3.10" in result.stderr
