"""Rasa's HTTP API, narrowed to what this project calls, with the token in a header.

Rasa 3.6 serves its whole API (loading a model with `PUT /model`, training, running
actions, any tracker) to whoever holds the one token, and reads that token from `?token=`
in the URL (rasa/server.py, `requires_auth`), where proxies and logs keep it. Here:

- Only ALLOWED answers: the health check, the REST channel's webhook (and socket.io on a
  laptop), reading a tracker and appending events to one (the backend's transcripts and
  takeover). Everything else is 404, with or without the token.
- The token is checked in `Authorization: Bearer ...`, in constant time; a token in the
  query string is refused, so a client that still sends it there fails at once.
- The token is read from RASA_TOKEN, or the file RASA_TOKEN_FILE names; `--auth-token`
  (and `--jwt-secret`) on the command line are refused: `ps` shows a command line to
  every user of the host.
- Rasa sends ACTION_SERVER_TOKEN to the action server as a bearer header on every call
  (bot/action_gate.py checks it), added to whichever endpoints file Rasa reads.
"""

from __future__ import annotations

import hmac
import re
from functools import wraps
from inspect import isawaitable
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence, Tuple

from bot import secret_checks

# (method, path) pairs that stay open; anything else is 404 before Rasa sees it.
ALLOWED: Tuple[Tuple[str, "re.Pattern[str]"], ...] = tuple(
    (method, re.compile(pattern)) for method, pattern in (
        ("GET", r"/"),
        ("GET", r"/webhooks/rest/?"),
        ("POST", r"/webhooks/rest/webhook"),
        ("GET", r"/conversations/[^/]+/tracker"),
        ("POST", r"/conversations/[^/]+/tracker/events"),
        # A reminder a person asked for, when it is due (the backend; Telegram only).
        ("POST", r"/conversations/tg-[A-Za-z0-9_-]+/trigger_intent"),
        # Rasa's socket.io channel (credentials.yml, a laptop only; production opens REST
        # alone, deploy/credentials.yml): its own protocol on one path.
        ("GET", r"/socket\.io/?"),
        ("POST", r"/socket\.io/?"),
    ))
FORBIDDEN_OPTIONS = ("--auth-token", "-t", "--jwt-secret", "--jwt-private-key")
GENERATE = "generate with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


class ConfigError(ValueError):
    """The command line or the environment is not safe to serve with."""


def allowed(method: str, path: str) -> bool:
    """Whether a request may reach Rasa at all."""
    return any(method == m and pattern.fullmatch(path) for m, pattern in ALLOWED)


def read_token(env: Mapping[str, str]) -> Optional[str]:
    """RASA_TOKEN, or the first line of the file RASA_TOKEN_FILE names."""
    path = (env.get("RASA_TOKEN_FILE") or "").strip()
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip() or None
        except OSError as error:
            raise ConfigError(f"RASA_TOKEN_FILE cannot be read: {error.strerror}") from None
    return (env.get("RASA_TOKEN") or "").strip() or None


def check_command_line(args: Sequence[str]) -> None:
    """Refuse secrets on the command line."""
    for arg in args:
        name = arg.split("=", 1)[0]
        if name in FORBIDDEN_OPTIONS:
            raise ConfigError(f"{name} is refused: a command line is visible to every user "
                              "of the host; set RASA_TOKEN (or RASA_TOKEN_FILE) instead")


def check_secrets(env: Mapping[str, str], serving: bool) -> None:
    """The secrets `rasa run` needs: present, not placeholders, not guessable, not alike.
    Commands that serve nothing (train, data validate) need none."""
    if not serving:
        return
    production = (env.get("DEPLOYMENT") or "").strip().lower() == "production"
    token = read_token(env)
    action_token = env.get("ACTION_SERVER_TOKEN")
    try:
        secret_checks.check_secret("RASA_TOKEN", token, hint=GENERATE)
        secret_checks.check_secret("ACTION_SERVER_TOKEN", action_token, hint=GENERATE)
        secret_checks.check_key_list("TRACKER_ENCRYPTION_KEYS",
                                     env.get("TRACKER_ENCRYPTION_KEYS"))
        secret_checks.check_distinct({"RASA_TOKEN": token,
                                      "ACTION_SERVER_TOKEN": action_token})
        secret_checks.check_url_password("TRACKER_DATABASE_URL",
                                         env.get("TRACKER_DATABASE_URL"), production)
        redis_password = env.get("REDIS_PASSWORD") or ""
        if redis_password or production:
            secret_checks.check_secret("REDIS_PASSWORD", redis_password,
                                       secret_checks.PASSWORD_BITS,
                                       min_length=secret_checks.PASSWORD_LENGTH)
    except secret_checks.SecretError as error:
        raise ConfigError(str(error)) from None


def bearer_requires_auth(app: Any, token: Optional[str] = None) -> Callable[[Any], Any]:
    """Rasa's `requires_auth`, reading `Authorization: Bearer` instead of `?token=`.
    Without a token nothing is open (Rasa would open everything)."""
    from rasa.server import ErrorResponse

    expected = (token or "").encode("utf-8")

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        async def decorated(request: Any, *args: Any, **kwargs: Any) -> Any:
            scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
            good = (expected and "token" not in request.args and scheme.lower() == "bearer"
                    and hmac.compare_digest(presented.strip().encode("utf-8", "replace"),
                                            expected))
            if not good:
                raise ErrorResponse(401, "NotAuthenticated", "User is not authenticated.")
            result = view(request, *args, **kwargs)
            return await result if isawaitable(result) else result

        return decorated

    return decorator


async def refuse_unlisted(request: Any) -> Any:
    """Sanic request middleware: 404 for every route not in ALLOWED."""
    if not allowed(request.method, request.path):
        from sanic import response

        return response.json({"status": "failure", "reason": "NotFound",
                              "message": "not found", "code": 404}, status=404)
    return None


def redis_options(kwargs: dict) -> None:
    """The lock store's options as Rasa's RedisLockStore takes them: environment variables
    arrive as text, so "false" would switch TLS on and "" would be a username."""
    if "use_ssl" in kwargs:
        kwargs["use_ssl"] = str(kwargs["use_ssl"]).strip().lower() in ("true", "1", "yes")
    for name in ("username", "ssl_ca_certs"):
        if name in kwargs and not str(kwargs[name] or "").strip():
            kwargs[name] = None


def apply(env: Mapping[str, str]) -> None:
    """Patch Rasa's server: the bearer check, the token from the environment, the
    allow-list, and the action server's token on every action call."""
    import rasa.server
    from rasa.core.utils import AvailableEndpoints

    rasa.server.requires_auth = bearer_requires_auth
    original_create_app = rasa.server.create_app
    token = read_token(env)

    @wraps(original_create_app)
    def create_app(*args: Any, **kwargs: Any) -> Any:
        kwargs["auth_token"] = token
        app = original_create_app(*args, **kwargs)
        app.register_middleware(refuse_unlisted, "request")
        return app

    rasa.server.create_app = create_app
    action_token = (env.get("ACTION_SERVER_TOKEN") or "").strip()
    original_read = AvailableEndpoints.read_endpoints.__func__  # type: ignore[attr-defined]

    def read_endpoints(cls: Any, endpoint_file: Any) -> Any:
        endpoints = original_read(cls, endpoint_file)
        if endpoints.action is not None and action_token:
            endpoints.action.headers["Authorization"] = f"Bearer {action_token}"
        if endpoints.lock_store is not None:
            redis_options(endpoints.lock_store.kwargs)
        return endpoints

    AvailableEndpoints.read_endpoints = classmethod(read_endpoints)  # type: ignore[assignment]
