"""The action server's settings: laptop defaults, and a clear refusal naming the variable
for every value it cannot run with (python -m actions.server checks them before serving)."""

import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from actions.settings import PROJECT_ROOT, ConfigError, Settings

ROOT = Path(__file__).resolve().parents[2]


def test_an_empty_environment_gives_the_laptop_defaults():
    settings = Settings.from_env({})
    assert settings.charity_name == "this charity"
    assert settings.team_hours is None and settings.safeguarding_policy_url is None
    assert settings.retention_days == 90
    assert settings.outbox_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'outbox.db'}"
    assert settings.backend_url is None and settings.backend_token is None
    assert (settings.host, settings.port, settings.log_level) == ("127.0.0.1", 5055, "INFO")


def test_values_from_the_environment_are_used():
    settings = Settings.from_env({
        "CHARITY_NAME": "Example Trust", "TEAM_HOURS": "Mon-Fri 9-5",
        "SAFEGUARDING_POLICY_URL": "https://charity.example/safeguarding",
        "RETENTION_DAYS": "30", "OUTBOX_DATABASE_URL": "postgresql://u@db/outbox",
        "BACKEND_URL": "http://backend:8080/", "BACKEND_SERVICE_TOKEN": "t" * 32,
        "ACTIONS_HOST": "0.0.0.0", "ACTIONS_PORT": "6000", "LOG_LEVEL": "debug"})
    assert (settings.charity_name, settings.team_hours) == ("Example Trust", "Mon-Fri 9-5")
    assert settings.safeguarding_policy_url == "https://charity.example/safeguarding"
    assert settings.retention_days == 30
    assert settings.outbox_url == "postgresql://u@db/outbox"
    assert settings.backend_url == "http://backend:8080"
    assert (settings.host, settings.port, settings.log_level) == ("0.0.0.0", 6000, "DEBUG")


@pytest.mark.parametrize("env,message", [
    ({"RETENTION_DAYS": "ninety"}, "RETENTION_DAYS must be a whole number"),
    ({"RETENTION_DAYS": "0"}, "RETENTION_DAYS must be between 1 and 3650"),
    ({"ACTIONS_PORT": "70000"}, "ACTIONS_PORT must be between 1 and 65535"),
    ({"BACKEND_URL": "http://backend:8080"}, "BACKEND_SERVICE_TOKEN is not"),
    ({"BACKEND_URL": "backend:8080", "BACKEND_SERVICE_TOKEN": "t"}, "BACKEND_URL must be"),
    ({"OUTBOX_DATABASE_URL": "outbox"}, "OUTBOX_DATABASE_URL must be a database URL"),
    ({"SAFEGUARDING_POLICY_URL": "charity.example"}, "SAFEGUARDING_POLICY_URL must be"),
    ({"SAFEGUARDING_POLICY_URL": "https://x.example/a b"}, "SAFEGUARDING_POLICY_URL must be"),
    ({"TEAM_HOURS": "x" * 201}, "TEAM_HOURS must be at most 200"),
    ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
])
def test_a_bad_value_is_refused_naming_the_variable(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_the_server_needs_a_valid_encryption_key():
    with pytest.raises(ConfigError, match="TRACKER_ENCRYPTION_KEYS is not set"):
        Settings.from_env({}).require_server_secrets()
    with pytest.raises(ConfigError, match="invalid key"):
        Settings.from_env({"TRACKER_ENCRYPTION_KEYS": "not-a-key"}).require_server_secrets()
    Settings.from_env({"TRACKER_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
                      ).require_server_secrets()


def test_the_server_refuses_to_start_with_a_bad_setting():
    result = subprocess.run(
        [sys.executable, "-m", "actions.server"], cwd=ROOT, capture_output=True, text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "RETENTION_DAYS": "-1",
             "TRACKER_ENCRYPTION_KEYS": Fernet.generate_key().decode()}, timeout=120)
    assert result.returncode == 1
    assert "configuration error: RETENTION_DAYS must be between 1 and 3650" in result.stderr
