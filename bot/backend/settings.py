"""Settings for the backend, read once from the environment.

Every knob lives here with a default that works on a laptop; nothing else reads
`os.environ`. Secrets (the service token, the encryption keys) have no defaults: the server
refuses to start without them, and `make run` generates laptop values into `var/`.

Environment variables:
    BACKEND_HOST, BACKEND_PORT        where the server listens (127.0.0.1:8080)
    DATABASE_URL                      sqlite:///var/backend.db (relative to the project root)
                                      or postgresql://user@host/db
    TRACKER_DATABASE_URL              Rasa's SQL tracker store (sqlite:///var/rasa-tracker.db),
                                      used to delete transcripts on retention and erasure
    BACKEND_SERVICE_TOKEN             bearer token of the ingest API for the action server
                                      (at least 32 random characters)
    BACKEND_GATEWAY_TOKEN             the Telegram gateway's token: it can only report that a
                                      person left (unset: the gateway is refused)
    BACKEND_ENCRYPTION_KEYS           comma-separated Fernet keys; the first encrypts, all
                                      decrypt (rotate with `python -m bot.backend.ops.rotate_keys`)
    RASA_URL, RASA_TOKEN              Rasa's HTTP API, for transcripts (http://127.0.0.1:5005)
    STAFF_RASA_TIMEOUT_SECONDS        how long the dashboard waits for Rasa: the case page's
                                      transcript, takeover events (5). RASA_TIMEOUT_SECONDS,
                                      its old name, is read when it is unset (until the next
                                      release; the gateway read the same name as 30 s)
    RETENTION_DAYS                    purge conversations untouched for this long (90)
    RETENTION_INTERVAL_MINUTES        how often the purge runs; 0 turns the job off (60)
    SESSION_IDLE_MINUTES              staff sessions end after this much inactivity (15)
    SESSION_MAX_HOURS                 and after this long whatever happens (12)
    COOKIE_SECURE                     auto | true | false; auto means Secure cookies and HSTS
                                      unless the request's host is localhost
    LOGIN_MAX_FAILURES                consecutive failed logins before a lockout (5)
    LOGIN_LOCKOUT_MINUTES             how long the lockout lasts (15)
    MFA_ROLES                         staff roles that must use TOTP (every role: advisor,
                                      supervisor, admin); production refuses an exempt role
    LOGIN_IP_MAX_FAILURES             failed logins from one address (any account) before
                                      that address must wait (20)
    LOGIN_IP_WINDOW_MINUTES           the window those failures are counted in (15)
    DEPLOYMENT                        laptop (default) or production: production refuses to
                                      start with an exempt role, a database or Redis URL
                                      without a password, or COOKIE_SECURE=false
    STAFF_HOST                        serve /staff/ only on this host name (and no other
                                      path on it), e.g. staff.charity.example; unset: any host
    DEMO_PAGE                         on | off: the example charity page at /demo (on for a
                                      laptop, off in production)
    TRUSTED_PROXIES                   comma-separated addresses or networks of the reverse
                                      proxy; from these, the last X-Forwarded-For address is
                                      the client's (unset: the socket's address)
    PRIORITY_ESCALATION_HOURS         waiting this long raises a handoff one priority level (24)
    WIDGET_SESSION_KEY                signs the web chat widget's session ids (32+ characters);
                                      unset, the chat relay turns every visitor away gently
    WIDGET_ALLOWED_ORIGINS            comma-separated origins (https://charity.example) whose
                                      pages may open the chat; the backend's own origin (for
                                      /demo) is always allowed, so the default allows only it
    WIDGET_SESSION_HOURS              a widget session can be resumed for this long (24)
    WIDGET_MESSAGES_PER_MINUTE        per connection, after a burst of 10 (30)
    WIDGET_SESSIONS_PER_IP            new chat sessions one address may open an hour (30)
    WIDGET_CONNECTIONS_PER_IP         chat connections one address may hold at once (20)
    RASA_MAX_CONCURRENT               messages this process may have at Rasa at once; past
                                      it a person is told kindly, with the crisis lines (32)
    HANDOFFS_PER_CONVERSATION         handoffs one conversation may queue a day (3)
    HANDOFFS_PER_IP                   handoffs the widget sessions of one address may queue
                                      a day (10)
    WIDGET_RASA_TIMEOUT_SECONDS       how long the relay waits for the assistant's reply (20)
    TELEGRAM_GATEWAY_URL              the Telegram gateway's internal API, for staff replies
                                      during a takeover (unset: Telegram replies are off)
    TELEGRAM_INTERNAL_TOKEN           bearer token for that API
    CASE_LOG_STAFF_TOKEN              the backend's token for a log the person chose to share
                                      with the team, at ACTIONS_URL (unset: not shown)
    ACTIONS_URL, CASE_DOCUMENT_TOKEN  the action server, from which the widget's relay fetches
                                      a copy of a person's log for download (unset: copies
                                      come as text)
    REDIS_URL                         redis://:password@redis:6379/1 lets several backend
                                      processes serve the web chat together (chat/shared.py);
                                      unset (the default), one process keeps it in memory
    REDIS_PREFIX                      begins the chat's Redis keys and pub/sub channels
                                      (chat:); channels ignore the database number, so two
                                      deployments sharing one Redis need different prefixes
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

from bot import secret_checks
from bot.backend.storage.vocab import STAFF_ROLES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# OWASP ASVS 2.2.1 allows at most 100 failed attempts an hour on one account.
MAX_FAILED_LOGINS_PER_HOUR = 100
MIN_WIDGET_KEY_LENGTH = 32
# What a browser sends as Origin: scheme, host, optional port (IPv6 hosts are not supported).
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
_REDIS_PREFIX = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_HOST = re.compile(r"^[a-z0-9.-]{1,253}$")
DEPLOYMENTS = ("laptop", "production")
GENERATE = "generate with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConfigError(ValueError):
    """The environment asks for something the backend cannot run with."""


@dataclass(frozen=True)
class Settings:
    """Validated configuration; build it with `Settings.from_env()`."""

    host: str
    port: int
    database_url: str
    tracker_database_url: str
    service_token: str | None
    gateway_token: str | None
    encryption_keys: tuple[bytes, ...]
    rasa_url: str
    rasa_token: str | None
    staff_rasa_timeout_seconds: float
    retention_days: int
    retention_interval_minutes: float
    session_idle_minutes: int
    session_max_hours: int
    cookie_secure: bool | None
    login_max_failures: int
    login_lockout_minutes: int
    mfa_roles: frozenset[str]
    login_ip_max_failures: int
    login_ip_window_minutes: int
    deployment: str
    staff_host: str | None
    demo_page: bool
    trusted_proxies: tuple[Network, ...]
    priority_escalation_hours: int
    widget_session_key: str | None
    widget_allowed_origins: tuple[str, ...]
    widget_session_hours: int
    widget_messages_per_minute: int
    widget_rasa_timeout_seconds: float
    widget_sessions_per_ip: int
    widget_connections_per_ip: int
    rasa_max_concurrent: int
    handoffs_per_conversation: int
    handoffs_per_ip: int
    telegram_gateway_url: str | None
    telegram_internal_token: str | None
    actions_url: str | None
    document_token: str | None
    staff_log_token: str | None
    redis_url: str | None
    redis_prefix: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and check every setting; raise ConfigError naming the bad variable."""
        env = os.environ if env is None else env
        deployment = env.get("DEPLOYMENT", "").strip().lower() or "laptop"
        if deployment not in DEPLOYMENTS:
            raise ConfigError("DEPLOYMENT must be laptop or production")
        settings = cls(
            host=env.get("BACKEND_HOST", "127.0.0.1"),
            port=_int(env, "BACKEND_PORT", 8080, 1, 65535),
            database_url=env.get("DATABASE_URL", "sqlite:///var/backend.db"),
            tracker_database_url=env.get("TRACKER_DATABASE_URL", "sqlite:///var/rasa-tracker.db"),
            service_token=env.get("BACKEND_SERVICE_TOKEN") or None,
            gateway_token=env.get("BACKEND_GATEWAY_TOKEN") or None,
            encryption_keys=_fernet_keys(env.get("BACKEND_ENCRYPTION_KEYS", "")),
            rasa_url=env.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            rasa_token=env.get("RASA_TOKEN") or None,
            staff_rasa_timeout_seconds=_float(
                env, _renamed(env, "STAFF_RASA_TIMEOUT_SECONDS", "RASA_TIMEOUT_SECONDS"), 5.0,
                0.1, 120.0),
            retention_days=_int(env, "RETENTION_DAYS", 90, 1, 3650),
            retention_interval_minutes=_float(env, "RETENTION_INTERVAL_MINUTES", 60.0, 0.0,
                                              7 * 24 * 60.0),
            session_idle_minutes=_int(env, "SESSION_IDLE_MINUTES", 15, 1, 24 * 60),
            session_max_hours=_int(env, "SESSION_MAX_HOURS", 12, 1, 24 * 7),
            cookie_secure=_tristate(env, "COOKIE_SECURE"),
            login_max_failures=_int(env, "LOGIN_MAX_FAILURES", 5, 1, MAX_FAILED_LOGINS_PER_HOUR),
            login_lockout_minutes=_int(env, "LOGIN_LOCKOUT_MINUTES", 15, 1, 24 * 60),
            mfa_roles=_roles(env.get("MFA_ROLES", ",".join(STAFF_ROLES))),
            login_ip_max_failures=_int(env, "LOGIN_IP_MAX_FAILURES", 20, 1, 1000),
            login_ip_window_minutes=_int(env, "LOGIN_IP_WINDOW_MINUTES", 15, 1, 24 * 60),
            deployment=deployment,
            staff_host=_host(env.get("STAFF_HOST", "")),
            demo_page=_switch(env, "DEMO_PAGE", deployment == "laptop"),
            trusted_proxies=_networks(env.get("TRUSTED_PROXIES", "")),
            priority_escalation_hours=_int(env, "PRIORITY_ESCALATION_HOURS", 24, 1, 24 * 30),
            widget_session_key=_widget_key(env.get("WIDGET_SESSION_KEY", "")),
            widget_allowed_origins=_origins(env.get("WIDGET_ALLOWED_ORIGINS", "")),
            widget_session_hours=_int(env, "WIDGET_SESSION_HOURS", 24, 1, 24 * 7),
            widget_messages_per_minute=_int(env, "WIDGET_MESSAGES_PER_MINUTE", 30, 1, 600),
            widget_rasa_timeout_seconds=_float(env, "WIDGET_RASA_TIMEOUT_SECONDS", 20.0, 0.1,
                                               120.0),
            widget_sessions_per_ip=_int(env, "WIDGET_SESSIONS_PER_IP", 30, 1, 100_000),
            widget_connections_per_ip=_int(env, "WIDGET_CONNECTIONS_PER_IP", 20, 1, 100_000),
            rasa_max_concurrent=_int(env, "RASA_MAX_CONCURRENT", 32, 1, 10_000),
            handoffs_per_conversation=_int(env, "HANDOFFS_PER_CONVERSATION", 3, 1, 100),
            handoffs_per_ip=_int(env, "HANDOFFS_PER_IP", 10, 1, 100_000),
            telegram_gateway_url=(env.get("TELEGRAM_GATEWAY_URL") or "").rstrip("/") or None,
            telegram_internal_token=env.get("TELEGRAM_INTERNAL_TOKEN") or None,
            actions_url=(env.get("ACTIONS_URL") or "").strip().rstrip("/") or None,
            document_token=(env.get("CASE_DOCUMENT_TOKEN") or "").strip() or None,
            staff_log_token=(env.get("CASE_LOG_STAFF_TOKEN") or "").strip() or None,
            redis_url=_redis_url(env.get("REDIS_URL", "")),
            redis_prefix=_redis_prefix(env.get("REDIS_PREFIX", "").strip() or "chat:"),
        )
        if settings.max_failed_logins_per_hour > MAX_FAILED_LOGINS_PER_HOUR:
            raise ConfigError(
                "LOGIN_MAX_FAILURES and LOGIN_LOCKOUT_MINUTES allow "
                f"{settings.max_failed_logins_per_hour} failed logins an hour; "
                f"at most {MAX_FAILED_LOGINS_PER_HOUR} are allowed"
            )
        return settings

    @property
    def max_failed_logins_per_hour(self) -> int:
        """The worst case the lockout permits: a burst of failures every lockout period."""
        periods = -(-60 // self.login_lockout_minutes)
        return self.login_max_failures * periods

    @property
    def production(self) -> bool:
        """DEPLOYMENT=production: the stricter checks at start apply."""
        return self.deployment == "production"

    def require_server_secrets(self) -> None:
        """Refuse to serve with a secret that is missing, a placeholder or guessable, with
        two secrets alike, or (in production) with a staff role exempt from the second
        factor; the message names the variable, never its value."""
        if not self.service_token:
            raise ConfigError("BACKEND_SERVICE_TOKEN is not set (`make run` generates one)")
        self.require_encryption_keys()
        optional = {"BACKEND_GATEWAY_TOKEN": self.gateway_token,
                    "RASA_TOKEN": self.rasa_token,
                    "WIDGET_SESSION_KEY": self.widget_session_key,
                    "TELEGRAM_INTERNAL_TOKEN": self.telegram_internal_token,
                    "CASE_DOCUMENT_TOKEN": self.document_token,
                    "CASE_LOG_STAFF_TOKEN": self.staff_log_token}
        try:
            secret_checks.check_secret("BACKEND_SERVICE_TOKEN", self.service_token,
                                       hint=GENERATE)
            for name, value in optional.items():
                if value is not None:
                    secret_checks.check_secret(name, value, hint=GENERATE)
            for position, key in enumerate(self.encryption_keys, start=1):
                secret_checks.check_secret(f"BACKEND_ENCRYPTION_KEYS (key {position})",
                                           key.decode("ascii"))
            secret_checks.check_distinct({"BACKEND_SERVICE_TOKEN": self.service_token,
                                          **optional})
            for name, url in (("DATABASE_URL", self.database_url),
                              ("TRACKER_DATABASE_URL", self.tracker_database_url),
                              ("REDIS_URL", self.redis_url)):
                secret_checks.check_url_password(name, url, required=self.production)
        except secret_checks.SecretError as error:
            raise ConfigError(str(error)) from None
        if self.production:
            self._require_production_policy()

    def _require_production_policy(self) -> None:
        exempt = set(STAFF_ROLES) - self.mfa_roles
        if exempt:
            raise ConfigError("MFA_ROLES: in production every staff role needs a second "
                              f"factor; exempt: {', '.join(sorted(exempt))}")
        if self.cookie_secure is False:
            raise ConfigError("COOKIE_SECURE=false is refused in production")
        if self.rasa_token is None:
            raise ConfigError("RASA_TOKEN is not set: transcripts and takeover need it")
        if not self.trusted_proxies:
            raise ConfigError("TRUSTED_PROXIES is not set: behind the proxy every visitor "
                              "would share its address, and its limits")

    def require_encryption_keys(self) -> None:
        """Refuse to touch encrypted columns without a key."""
        if not self.encryption_keys:
            raise ConfigError("BACKEND_ENCRYPTION_KEYS is not set (`make run` generates one)")


def _renamed(env: Mapping[str, str], name: str, old_name: str) -> str:
    """The variable to read: `name`, or its old name while only that one is set."""
    return old_name if not env.get(name, "").strip() and env.get(old_name, "").strip() else name


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}")
    return value


def _float(
    env: Mapping[str, str], name: str, default: float, low: float, high: float
) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if not low <= value <= high:  # also refuses nan
        raise ConfigError(f"{name} must be between {low} and {high}")
    return value


def _tristate(env: Mapping[str, str], name: str) -> bool | None:
    raw = env.get(name, "auto").strip().lower()
    choices = {"auto": None, "true": True, "1": True, "false": False, "0": False}
    if raw not in choices:
        raise ConfigError(f"{name} must be auto, true or false")
    return choices[raw]


def _fernet_keys(raw: str) -> tuple[bytes, ...]:
    keys = tuple(part.strip() for part in raw.split(",") if part.strip())
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode("ascii"))
        except ValueError:
            raise ConfigError(
                f"BACKEND_ENCRYPTION_KEYS: key {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)"
            ) from None
    return tuple(key.encode("ascii") for key in keys)


def _roles(raw: str) -> frozenset[str]:
    roles = frozenset(part.strip() for part in raw.split(",") if part.strip())
    unknown = roles - set(STAFF_ROLES)
    if unknown:
        raise ConfigError(f"MFA_ROLES: unknown role(s) {', '.join(sorted(unknown))}")
    return roles


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in ("on", "off", "true", "false", "1", "0"):
        raise ConfigError(f"{name} must be on or off")
    return raw in ("on", "true", "1")


def _host(raw: str) -> str | None:
    host = raw.strip().lower()
    if host and not _HOST.match(host):
        raise ConfigError("STAFF_HOST must be a host name like staff.charity.example "
                          "(no scheme, port or path)")
    return host or None


def _networks(raw: str) -> tuple[Network, ...]:
    networks = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ConfigError(f"TRUSTED_PROXIES: {part[:60]!r} is not an address or "
                              "network (10.0.0.0/8, ::1)") from None
    return tuple(networks)


def _widget_key(raw: str) -> str | None:
    key = raw.strip()
    if key and len(key) < MIN_WIDGET_KEY_LENGTH:
        raise ConfigError(
            f"WIDGET_SESSION_KEY must be at least {MIN_WIDGET_KEY_LENGTH} characters")
    return key or None


def _origins(raw: str) -> tuple[str, ...]:
    """Exact origins only: a scheme, a host and perhaps a port; no wildcard, path or slash."""
    origins = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        if not _ORIGIN.match(part):
            raise ConfigError(
                f"WIDGET_ALLOWED_ORIGINS: {part[:60]!r} is not an origin like "
                "https://charity.example (no path, no wildcard)"
            )
        origins.append(part.lower())
    return tuple(origins)


def _redis_url(raw: str) -> str | None:
    url = raw.strip()
    if url and not url.startswith(_REDIS_SCHEMES):
        # The value is not echoed: it normally holds a password.
        raise ConfigError("REDIS_URL must start with redis://, rediss:// or unix://")
    return url or None


def _redis_prefix(raw: str) -> str:
    if not _REDIS_PREFIX.match(raw):
        raise ConfigError("REDIS_PREFIX must be 1 to 64 letters, digits, or _ . : -")
    return raw
