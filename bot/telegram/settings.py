"""The gateway's settings, read once from the environment and checked before anything starts.

Nothing else in bot/telegram reads `os.environ`. Secrets have no defaults: `make run`
generates laptop values into var/secrets.env (bot/tools/stack.py), deployments set their own.

Environment variables:
    TELEGRAM_BOT_TOKEN          the bot's token from @BotFather (required)
    TELEGRAM_MODE               polling (default, for a laptop) or webhook (production)
    TELEGRAM_BASE_URL           a self-hosted Bot API server (or a fake one in tests), e.g.
                                http://127.0.0.1:8081 or http://127.0.0.1:8081/bot
    TELEGRAM_WEBHOOK_URL        the public https URL Telegram posts updates to (webhook mode)
    TELEGRAM_WEBHOOK_SECRET     sent to Telegram as secret_token, checked on every update
    TELEGRAM_ID_KEY             urlsafe-base64 AES-SIV key (32, 48 or 64 bytes) that turns chat
                                ids into conversation ids (required; never change it: every
                                conversation id would change with it)
    TELEGRAM_INTERNAL_TOKEN     bearer token of the internal API the backend uses to deliver
                                staff messages (at least 32 characters; unset: API refuses all)
    TELEGRAM_HOST, TELEGRAM_PORT        where the gateway listens (127.0.0.1:8081)
    TELEGRAM_STATE_PATH         SQLite file of sent message ids for /clear (var/telegram.db)
    TELEGRAM_CLEAR_NOTE_SECONDS how long the "done" note after /clear stays (30)
    RASA_URL                    the Rasa server (http://127.0.0.1:5005)
    TELEGRAM_RASA_TIMEOUT_SECONDS  how long to wait for the assistant's reply (30);
                                RASA_TIMEOUT_SECONDS, its old name, is read when it is unset
                                (until the next release; the backend read it as 5 s)
    ACTIONS_URL, CASE_DOCUMENT_TOKEN    the action server, from which a copy of a person's log
                                is fetched to send as a file (optional: unset, copies come
                                as text)
    BACKEND_URL, BACKEND_GATEWAY_TOKEN  told when a person leaves with /clear (optional);
                                the token is the gateway's own, which the backend accepts
                                for that one call and no other

Secrets are refused when they are placeholders (CHANGE_ME...), empty where required, or
guessable (bot/secret_checks.py), naming the variable.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bot import secret_checks

PROJECT_ROOT = Path(__file__).resolve().parents[2]
_N = TypeVar("_N", int, float)
# Telegram accepts 1-256 characters from this set as a webhook secret_token.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")


class ConfigError(ValueError):
    """The environment asks for something the gateway cannot run with."""


@dataclass(frozen=True)
class Settings:
    """Validated configuration; build it with `Settings.from_env()`."""

    bot_token: str
    mode: str
    api_root: str | None
    webhook_url: str | None
    webhook_secret: str | None
    id_key: bytes
    internal_token: str | None
    host: str
    port: int
    state_path: str
    clear_note_seconds: float
    rasa_url: str
    rasa_timeout_seconds: float
    backend_url: str | None
    backend_token: str | None
    actions_url: str | None = None
    document_token: str | None = None

    @property
    def base_url(self) -> str | None:
        """python-telegram-bot's base_url for a self-hosted or fake Bot API server."""
        return f"{self.api_root}/bot" if self.api_root else None

    @property
    def base_file_url(self) -> str | None:
        """Set with base_url so no request ever leaves for api.telegram.org by accident."""
        return f"{self.api_root}/file/bot" if self.api_root else None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and check every setting; raise ConfigError naming the bad variable."""
        env = os.environ if env is None else env
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is required (from @BotFather)")
        if secret_checks.is_placeholder(token):
            raise ConfigError("TELEGRAM_BOT_TOKEN still holds a placeholder: use the token "
                              "from @BotFather")
        mode = env.get("TELEGRAM_MODE", "polling").strip().lower() or "polling"
        if mode not in ("polling", "webhook"):
            raise ConfigError("TELEGRAM_MODE must be 'polling' or 'webhook'")
        webhook_url = env.get("TELEGRAM_WEBHOOK_URL") or None
        secret = env.get("TELEGRAM_WEBHOOK_SECRET") or None
        if mode == "webhook":
            if not webhook_url:
                raise ConfigError("TELEGRAM_WEBHOOK_URL is required in webhook mode")
            if not secret or not _WEBHOOK_SECRET.fullmatch(secret):
                raise ConfigError("TELEGRAM_WEBHOOK_SECRET must be 16-256 characters of "
                                  "A-Z, a-z, 0-9, _ and - in webhook mode")
        internal = env.get("TELEGRAM_INTERNAL_TOKEN") or None
        backend_token = env.get("BACKEND_GATEWAY_TOKEN") or None
        document_token = (env.get("CASE_DOCUMENT_TOKEN") or "").strip() or None
        _check_secrets({"TELEGRAM_WEBHOOK_SECRET": secret if mode == "webhook" else None,
                        "TELEGRAM_INTERNAL_TOKEN": internal,
                        "BACKEND_GATEWAY_TOKEN": backend_token,
                        "CASE_DOCUMENT_TOKEN": document_token,
                        "TELEGRAM_ID_KEY": env.get("TELEGRAM_ID_KEY", "").strip() or None})
        state = env.get("TELEGRAM_STATE_PATH", "var/telegram.db")
        if state != ":memory:" and not Path(state).is_absolute():
            state = str(PROJECT_ROOT / state)
        return cls(
            bot_token=token,
            mode=mode,
            api_root=_api_root(env.get("TELEGRAM_BASE_URL")),
            webhook_url=webhook_url,
            webhook_secret=secret,
            id_key=_id_key(env.get("TELEGRAM_ID_KEY", "")),
            internal_token=internal,
            host=env.get("TELEGRAM_HOST", "127.0.0.1"),
            port=_number(env, "TELEGRAM_PORT", 8081, 1, 65535),
            state_path=state,
            clear_note_seconds=_number(env, "TELEGRAM_CLEAR_NOTE_SECONDS", 30.0, 0.0, 3600.0),
            rasa_url=env.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            rasa_timeout_seconds=_number(
                env, _renamed(env, "TELEGRAM_RASA_TIMEOUT_SECONDS", "RASA_TIMEOUT_SECONDS"),
                30.0, 1.0, 300.0),
            backend_url=(env.get("BACKEND_URL") or "").rstrip("/") or None,
            backend_token=backend_token,
            actions_url=(env.get("ACTIONS_URL") or "").strip().rstrip("/") or None,
            document_token=document_token,
        )


def _check_secrets(values: dict[str, str | None]) -> None:
    """Each secret that is set must be strong, and used for one thing only."""
    try:
        for name, value in values.items():
            if value is not None:
                secret_checks.check_secret(name, value)
        secret_checks.check_distinct(values)
    except secret_checks.SecretError as error:
        raise ConfigError(str(error)) from None


def _renamed(env: Mapping[str, str], name: str, old_name: str) -> str:
    """The variable to read: `name`, or its old name while only that one is set."""
    return old_name if not env.get(name) and env.get(old_name) else name


def _api_root(value: str | None) -> str | None:
    """Accepts a server root or a URL ending in /bot, as self-hosting guides write both."""
    if not value:
        return None
    root = value.strip().rstrip("/")
    if not root.startswith(("http://", "https://")):
        raise ConfigError("TELEGRAM_BASE_URL must be an http(s) URL")
    return root[: -len("/bot")] if root.endswith("/bot") else root


def _id_key(value: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(value.strip() + "=" * (-len(value.strip()) % 4))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) not in (32, 48, 64):
        raise ConfigError("TELEGRAM_ID_KEY must be urlsafe base64 of 32, 48 or 64 random "
                          "bytes (make run generates one into var/secrets.env)")
    return key


def _number(env: Mapping[str, str], name: str, default: _N, low: _N, high: _N) -> _N:
    raw = env.get(name)
    try:
        value = type(default)(raw) if raw not in (None, "") else default
    except ValueError:
        raise ConfigError(f"{name} must be a number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}")
    return value
