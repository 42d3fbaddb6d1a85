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
    assert settings.mfa_roles == frozenset({"advisor", "supervisor", "admin"})
    assert settings.deployment == "laptop" and settings.demo_page
    assert settings.staff_host is None and settings.trusted_proxies == ()
    assert settings.max_failed_logins_per_hour == 20


def test_the_server_refuses_to_start_without_secrets() -> None:
    with pytest.raises(ConfigError, match="BACKEND_SERVICE_TOKEN is not set"):
        Settings.from_env({"BACKEND_ENCRYPTION_KEYS": ENCRYPTION_KEY}).require_server_secrets()
    with pytest.raises(ConfigError, match="BACKEND_SERVICE_TOKEN must be at least 32"):
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


STRONG = {"BACKEND_SERVICE_TOKEN": SERVICE_TOKEN, "BACKEND_ENCRYPTION_KEYS": ENCRYPTION_KEY}
PRODUCTION = {**STRONG, "DEPLOYMENT": "production",
              "RASA_TOKEN": "Zq4WmB8nR2xK7cTv9LpH3sYd6FgJ1aUe5oNi0rQw",
              "DATABASE_URL": "postgresql://backend:Xk3Vb9Qm2LwZ7pRt5Yh8@db/backend",
              "TRACKER_DATABASE_URL": "postgresql://backend:Xk3Vb9Qm2LwZ7pRt5Yh8@db/tracker",
              "REDIS_URL": "redis://backend:Pf6Nz1Ck4Ws8Jq3Ex7Gu@redis:6379/1",
              "TRUSTED_PROXIES": "172.30.0.0/24"}


@pytest.mark.parametrize(("env", "message"), [
    ({"BACKEND_SERVICE_TOKEN": "CHANGE_ME_BACKEND_SERVICE_TOKEN_0123456789"},
     "^BACKEND_SERVICE_TOKEN still holds a placeholder"),
    ({"BACKEND_SERVICE_TOKEN": "a" * 40}, "^BACKEND_SERVICE_TOKEN is too easy to guess"),
    ({"RASA_TOKEN": "rasa-test-token"}, "^RASA_TOKEN must be at least 32"),
    ({"RASA_TOKEN": "ab" * 20}, "^RASA_TOKEN is too easy to guess"),
    ({"WIDGET_SESSION_KEY": "CHANGE_ME_WIDGET_SESSION_KEY_abcdefghijklmnop"},
     "^WIDGET_SESSION_KEY still holds a placeholder"),
    ({"TELEGRAM_INTERNAL_TOKEN": "change-me-" * 4}, "^TELEGRAM_INTERNAL_TOKEN still holds"),
    ({"BACKEND_GATEWAY_TOKEN": SERVICE_TOKEN}, "BACKEND_GATEWAY_TOKEN has the same value"),
    ({"BACKEND_ENCRYPTION_KEYS": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},
     r"^BACKEND_ENCRYPTION_KEYS \(key 1\) is too easy to guess"),
    ({"DATABASE_URL": "postgresql://backend:CHANGE_ME_POSTGRES_PASSWORD@db/backend"},
     r"^DATABASE_URL \(its password\) still holds a placeholder"),
    ({"REDIS_URL": "redis://:secret@redis:6379/1"},
     r"^REDIS_URL \(its password\) must be at least 16"),
])
def test_placeholders_empty_and_weak_secrets_are_refused_by_name(
        env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({**STRONG, **env}).require_server_secrets()


def test_a_laptop_may_exempt_a_role_but_production_may_not() -> None:
    Settings.from_env({**STRONG, "MFA_ROLES": "admin"}).require_server_secrets()
    Settings.from_env(PRODUCTION).require_server_secrets()
    with pytest.raises(ConfigError, match="MFA_ROLES: .* exempt: advisor, supervisor"):
        Settings.from_env({**PRODUCTION, "MFA_ROLES": "admin"}).require_server_secrets()


@pytest.mark.parametrize(("env", "message"), [
    ({"DATABASE_URL": "postgresql://backend@db/backend"}, "^DATABASE_URL has no password"),
    ({"REDIS_URL": "redis://redis:6379/1"}, "^REDIS_URL has no password"),
    ({"COOKIE_SECURE": "false"}, "COOKIE_SECURE=false is refused"),
    ({"RASA_TOKEN": ""}, "^RASA_TOKEN is not set"),
    ({"TRUSTED_PROXIES": ""}, "^TRUSTED_PROXIES is not set"),
])
def test_production_refuses_what_a_laptop_allows(env: dict[str, str], message: str) -> None:
    Settings.from_env({**STRONG, **env}).require_server_secrets()
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({**PRODUCTION, **env}).require_server_secrets()


def test_production_turns_the_demo_page_off_unless_asked() -> None:
    assert not Settings.from_env(PRODUCTION).demo_page
    assert Settings.from_env({**PRODUCTION, "DEMO_PAGE": "on"}).demo_page
    assert not Settings.from_env({"DEMO_PAGE": "off"}).demo_page


@pytest.mark.parametrize(("env", "message"), [
    ({"DEPLOYMENT": "staging"}, "DEPLOYMENT must be laptop or production"),
    ({"STAFF_HOST": "https://staff.example"}, "STAFF_HOST must be a host name"),
    ({"TRUSTED_PROXIES": "10.0.0.0/8,proxy"}, "TRUSTED_PROXIES: 'proxy'"),
    ({"DEMO_PAGE": "maybe"}, "DEMO_PAGE must be on or off"),
    ({"WIDGET_SESSIONS_PER_IP": "0"}, "WIDGET_SESSIONS_PER_IP must be between"),
    ({"RASA_MAX_CONCURRENT": "0"}, "RASA_MAX_CONCURRENT must be between"),
])
def test_new_settings_are_checked_by_name(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)
