"""The action server's settings, read from the environment and checked, with laptop defaults.

Nothing else in actions/ reads `os.environ`: actions call `Settings.from_env()` (cheap, so
a changed environment is seen at once), and `python -m actions.server` builds it once
before serving and refuses to start with a clear message when a value is wrong, rather
than failing later in the middle of a person's conversation.

Environment variables:
    CHARITY_NAME                 shown in the welcome ("this charity")
    TEAM_HOURS                   told to people asking for a person (unset: no promise)
    SAFEGUARDING_POLICY_URL      linked from the privacy answer (unset: a general sentence)
    RETENTION_DAYS               how long referrals are kept in the outbox (90)
    OUTBOX_PATH                  the outbox as a SQLite file, for one process (var/outbox.db)
    OUTBOX_DATABASE_URL          postgresql://… : the outbox as a table every replica shares
                                 (OUTBOX_PATH is then not used)
    BACKEND_URL                  the referral backend (unset: referrals stay in the outbox)
    BACKEND_SERVICE_TOKEN        its bearer token (required when BACKEND_URL is set)
    CASE_DOCUMENT_TOKEN          bearer token with which the Telegram gateway and the widget's
                                 relay fetch a copy of a person's log (unset: copies are
                                 given as text in the chat)
    TRACKER_ENCRYPTION_KEYS      Fernet keys, as the tracker store's: the outbox is encrypted
    CASE_LOG_STAFF_TOKEN         bearer token with which the backend reads a log the person
                                 chose to share, and adds a report made for them (unset: off)
    REMINDER_INTERVAL_SECONDS    how often due reminders are looked for and sent (30)
    REMINDER_RETRY_SECONDS       first wait before a reminder that could not be delivered
                                 (Rasa or the gateway down) is tried again, doubling (120)
    ACTIONS_HOST, ACTIONS_PORT   where the action server listens (127.0.0.1:5055)
    LOG_LEVEL                    DEBUG, INFO, WARNING, ERROR or CRITICAL (INFO)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from bot.assistant.tracker_cipher import TrackerStoreConfigError, cipher_from_env

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MAX_TEXT = 200


class ConfigError(ValueError):
    """The environment asks for something the action server cannot run with."""


@dataclass(frozen=True)
class Settings:
    """Checked configuration; build it with `Settings.from_env()`."""

    charity_name: str
    team_hours: Optional[str]
    safeguarding_policy_url: Optional[str]
    retention_days: int
    outbox_path: Path
    outbox_database_url: Optional[str]
    backend_url: Optional[str]
    backend_token: Optional[str]
    document_token: Optional[str]
    staff_log_token: Optional[str]
    reminder_interval_seconds: float
    reminder_retry_seconds: float
    encryption_keys: str
    host: str
    port: int
    log_level: str

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        """Read and check every setting; raise ConfigError naming the bad variable."""
        env = os.environ if env is None else env
        outbox = Path(env.get("OUTBOX_PATH", "var/outbox.db"))
        backend_url = (env.get("BACKEND_URL") or "").rstrip("/") or None
        backend_token = env.get("BACKEND_SERVICE_TOKEN") or None
        if backend_url is not None and not backend_url.startswith(("http://", "https://")):
            raise ConfigError("BACKEND_URL must be an http(s) URL")
        if backend_url is not None and backend_token is None:
            raise ConfigError("BACKEND_URL is set but BACKEND_SERVICE_TOKEN is not")
        outbox_database_url = env.get("OUTBOX_DATABASE_URL") or None
        if outbox_database_url is not None and "://" not in outbox_database_url:
            # The value is not echoed: it normally holds a password.
            raise ConfigError("OUTBOX_DATABASE_URL must be a database URL (postgresql://…)")
        log_level = (env.get("LOG_LEVEL") or "INFO").strip().upper()
        if log_level not in LOG_LEVELS:
            raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        return cls(
            charity_name=_text(env, "CHARITY_NAME") or "this charity",
            team_hours=_text(env, "TEAM_HOURS"),
            safeguarding_policy_url=_url(env, "SAFEGUARDING_POLICY_URL"),
            retention_days=_int(env, "RETENTION_DAYS", 90, 1, 3650),
            outbox_path=outbox if outbox.is_absolute() else PROJECT_ROOT / outbox,
            outbox_database_url=outbox_database_url,
            backend_url=backend_url,
            backend_token=backend_token,
            document_token=(env.get("CASE_DOCUMENT_TOKEN") or "").strip() or None,
            staff_log_token=(env.get("CASE_LOG_STAFF_TOKEN") or "").strip() or None,
            reminder_interval_seconds=float(_int(env, "REMINDER_INTERVAL_SECONDS", 30, 1, 3600)),
            reminder_retry_seconds=float(_int(env, "REMINDER_RETRY_SECONDS", 120, 1, 3600)),
            encryption_keys=env.get("TRACKER_ENCRYPTION_KEYS", ""),
            host=env.get("ACTIONS_HOST") or "127.0.0.1",
            port=_int(env, "ACTIONS_PORT", 5055, 1, 65535),
            log_level=log_level,
        )

    @property
    def outbox_url(self) -> str:
        """Where the outbox lives: the shared database if set, else the SQLite file."""
        return self.outbox_database_url or f"sqlite:///{self.outbox_path}"

    def require_server_secrets(self) -> None:
        """Refuse to serve without a valid encryption key: contact details a person
        approves for a handoff are stored in the outbox, and never in clear text."""
        try:
            cipher_from_env(self.encryption_keys)
        except TrackerStoreConfigError as error:
            raise ConfigError(str(error)) from None


def _text(env: Mapping[str, str], name: str) -> Optional[str]:
    value = (env.get(name) or "").strip()
    if len(value) > MAX_TEXT:
        raise ConfigError(f"{name} must be at most {MAX_TEXT} characters")
    return value or None


def _url(env: Mapping[str, str], name: str) -> Optional[str]:
    value = (env.get(name) or "").strip()
    if value and (not value.startswith(("https://", "http://")) or len(value) > MAX_TEXT
                  or any(c.isspace() for c in value)):
        raise ConfigError(f"{name} must be an http(s) URL of at most {MAX_TEXT} characters")
    return value or None


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw[:20]!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}")
    return value
