"""Settings from the environment: laptop defaults, refused values, and the ASVS login cap."""

from __future__ import annotations

import pytest

from bot.backend.settings import PROJECT_ROOT, ConfigError, Settings
from bot.backend.storage.db import database_url

from .support import ENCRYPTION_KEY, OLD_ENCRYPTION_KEY, SERVICE_TOKEN


def test_the_defaults_suit_a_laptop() -> None:
    settings = Settings.from_env({})
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.database_url == "sqlite:///var/backend.db"
    assert settings.tracker_database_url == "sqlite:///var/rasa-tracker.db"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert (settings.retention_days, settings.session_idle_minutes) == (90, 15)
    assert settings.cookie_secure is None
    assert settings.mfa_roles == frozenset({"admin"})
    assert settings.max_failed_logins_per_hour == 20


def test_the_server_refuses_to_start_without_secrets() -> None:
    with pytest.raises(ConfigError, match="BACKEND_SERVICE_TOKEN is not set"):
        Settings.from_env({"BACKEND_ENCRYPTION_KEYS": ENCRYPTION_KEY}).require_server_secrets()
    with pytest.raises(ConfigError, match="at least 32"):
        Settings.from_env({"BACKEND_SERVICE_TOKEN": "short",
                           "BACKEND_ENCRYPTION_KEYS": ENCRYPTION_KEY}).require_server_secrets()
    with pytest.raises(ConfigError, match="BACKEND_ENCRYPTION_KEYS is not set"):
        Settings.from_env({"BACKEND_SERVICE_TOKEN": SERVICE_TOKEN}).require_server_secrets()


def test_several_keys_are_read_in_order() -> None:
    settings = Settings.from_env({"BACKEND_ENCRYPTION_KEYS":
                                  f" {ENCRYPTION_KEY} , {OLD_ENCRYPTION_KEY},"})
    assert settings.encryption_keys == (ENCRYPTION_KEY.encode(), OLD_ENCRYPTION_KEY.encode())


@pytest.mark.parametrize(("env", "message"), [
    ({"BACKEND_PORT": "eighty"}, "BACKEND_PORT must be a whole number"),
    ({"BACKEND_PORT": "70000"}, "BACKEND_PORT must be between"),
    ({"RETENTION_DAYS": "0"}, "RETENTION_DAYS must be between"),
    ({"RETENTION_INTERVAL_MINUTES": "-1"}, "RETENTION_INTERVAL_MINUTES must be between"),
    ({"RETENTION_INTERVAL_MINUTES": "nan"}, "RETENTION_INTERVAL_MINUTES must be between"),
    ({"RETENTION_INTERVAL_MINUTES": "inf"}, "RETENTION_INTERVAL_MINUTES must be between"),
    ({"STAFF_RASA_TIMEOUT_SECONDS": "0"}, "^STAFF_RASA_TIMEOUT_SECONDS must be between"),
    ({"RASA_TIMEOUT_SECONDS": "0"}, "^RASA_TIMEOUT_SECONDS must be between"),
    ({"COOKIE_SECURE": "maybe"}, "COOKIE_SECURE"),
    ({"MFA_ROLES": "admin,root"}, "unknown role"),
    ({"BACKEND_ENCRYPTION_KEYS": "not-a-key"}, "key 1 is not a Fernet key"),
    ({"BACKEND_ENCRYPTION_KEYS": f"{ENCRYPTION_KEY},clé"}, "key 2 is not a Fernet key"),
    ({"LOGIN_MAX_FAILURES": "50", "LOGIN_LOCKOUT_MINUTES": "10"}, "at most 100"),
])
def test_bad_values_are_refused_by_name(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_the_dashboard_has_its_own_rasa_timeout_and_reads_the_old_name_until_it_is_set(
) -> None:
    assert Settings.from_env({}).staff_rasa_timeout_seconds == 5.0
    assert Settings.from_env({"RASA_TIMEOUT_SECONDS": "7"}).staff_rasa_timeout_seconds == 7.0
    both = {"RASA_TIMEOUT_SECONDS": "30", "STAFF_RASA_TIMEOUT_SECONDS": "3"}
    assert Settings.from_env(both).staff_rasa_timeout_seconds == 3.0


def test_without_redis_the_chat_stays_in_one_process() -> None:
    assert Settings.from_env({}).redis_url is None
    assert Settings.from_env({"REDIS_URL": " "}).redis_prefix == "chat:"
    shared = Settings.from_env({"REDIS_URL": "redis://:pw@redis:6379/1", "REDIS_PREFIX": "a:"})
    assert (shared.redis_url, shared.redis_prefix) == ("redis://:pw@redis:6379/1", "a:")


@pytest.mark.parametrize(("env", "message"), [
    ({"REDIS_URL": "http://:secret@redis:6379"}, "REDIS_URL must start with redis://"),
    ({"REDIS_URL": "redis:6379"}, "REDIS_URL must start with redis://"),
    ({"REDIS_PREFIX": "chat *"}, "REDIS_PREFIX must be"),
    ({"REDIS_PREFIX": "x" * 65}, "REDIS_PREFIX must be"),
])
def test_bad_redis_settings_are_refused_without_echoing_them(env: dict[str, str],
                                                             message: str) -> None:
    with pytest.raises(ConfigError, match=message) as refused:
        Settings.from_env(env)
    assert "secret" not in str(refused.value)


def test_sqlite_paths_are_relative_to_the_project_root() -> None:
    url = database_url("sqlite:///var/backend.db", asynchronous=True)
    assert url.drivername == "sqlite+aiosqlite"
    assert url.database == str(PROJECT_ROOT / "var" / "backend.db")
    assert database_url("sqlite:////tmp/x.db", asynchronous=False).database == "/tmp/x.db"


def test_postgres_urls_use_psycopg_3() -> None:
    for raw in ("postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg2://u@h/db"):
        assert database_url(raw, asynchronous=True).drivername == "postgresql+psycopg"


@pytest.mark.parametrize("raw", ["mysql://u@h/db", "sqlite://", "sqlite:///:memory:"])
def test_other_databases_are_refused(raw: str) -> None:
    with pytest.raises(ConfigError):
        database_url(raw, asynchronous=True)
