"""Runs the action server (`actions.server`) so that only Rasa can call it.

Usage: python -m bot.action_gate [--host 127.0.0.1] [--port 5055]

rasa-sdk 3.6 has no authentication: anything that reaches port 5055 could run the
assistant's actions (queue a handoff, erase a conversation). Rasa sends
`Authorization: Bearer <ACTION_SERVER_TOKEN>` on every call (api_guard.py adds it); here
every route but /health refuses a request without it, in constant time. The Kubernetes
network policy (deploy/k8s/network-policies.yaml) lets only Rasa's pods in as well.

The outbox has a key of its own, OUTBOX_ENCRYPTION_KEYS: the action server never holds
the keys to the transcripts (TRACKER_ENCRYPTION_KEYS). actions/settings.py reads the
outbox's key ring under the tracker's name, so it is handed over under that name here,
and the tracker's own keys are removed from this process's environment first.

Secrets are checked before anything starts; a bad one stops the server naming the
variable.
"""

from __future__ import annotations

import hmac
import os
import sys
from functools import wraps
from typing import Any, Mapping, MutableMapping

from bot import secret_checks
from bot.contract import CASE_DOCUMENT_PATH, CASE_LOG_PATH

OPEN_PATHS = frozenset({"/health"})
# Routes for the other services, each checking a token of its own (never Rasa's):
# a copy of a person's log, fetched by the channel it is for (actions/caselog/document_route.py).
# and a log the person shared, read by the backend (actions/caselog/staff_route.py).
OWN_TOKEN_PREFIXES = (CASE_DOCUMENT_PATH, CASE_LOG_PATH)
GENERATE = "generate with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


class ConfigError(ValueError):
    """The environment is not safe to serve with."""


def check_secrets(env: Mapping[str, str]) -> None:
    """ACTION_SERVER_TOKEN, OUTBOX_ENCRYPTION_KEYS, the backend's token and the outbox
    database's password: present where needed, no placeholders, nothing guessable."""
    production = (env.get("DEPLOYMENT") or "").strip().lower() == "production"
    token = env.get("ACTION_SERVER_TOKEN")
    backend_token = env.get("BACKEND_SERVICE_TOKEN") or None
    document_token = env.get("CASE_DOCUMENT_TOKEN") or None
    staff_token = env.get("CASE_LOG_STAFF_TOKEN") or None
    try:
        secret_checks.check_secret("ACTION_SERVER_TOKEN", token, hint=GENERATE)
        secret_checks.check_key_list("OUTBOX_ENCRYPTION_KEYS",
                                     env.get("OUTBOX_ENCRYPTION_KEYS"))
        if backend_token is not None or env.get("BACKEND_URL"):
            secret_checks.check_secret("BACKEND_SERVICE_TOKEN", backend_token, hint=GENERATE)
        if document_token is not None:
            secret_checks.check_secret("CASE_DOCUMENT_TOKEN", document_token, hint=GENERATE)
        if staff_token is not None:
            secret_checks.check_secret("CASE_LOG_STAFF_TOKEN", staff_token, hint=GENERATE)
        secret_checks.check_distinct({"ACTION_SERVER_TOKEN": token,
                                      "BACKEND_SERVICE_TOKEN": backend_token,
                                      "CASE_DOCUMENT_TOKEN": document_token,
                                      "CASE_LOG_STAFF_TOKEN": staff_token})
        secret_checks.check_url_password("OUTBOX_DATABASE_URL",
                                         env.get("OUTBOX_DATABASE_URL"), production)
    except secret_checks.SecretError as error:
        raise ConfigError(str(error)) from None
    tracker = {k.strip() for k in (env.get("TRACKER_ENCRYPTION_KEYS") or "").split(",")}
    outbox = {k.strip() for k in (env.get("OUTBOX_ENCRYPTION_KEYS") or "").split(",")}
    if tracker & outbox - {""}:
        raise ConfigError("OUTBOX_ENCRYPTION_KEYS shares a key with TRACKER_ENCRYPTION_KEYS: "
                          "the outbox needs keys of its own")


def hand_over_outbox_keys(env: MutableMapping[str, str]) -> None:
    """The outbox's keys under the name actions/settings.py reads; the tracker's gone."""
    env["TRACKER_ENCRYPTION_KEYS"] = env["OUTBOX_ENCRYPTION_KEYS"]


def token_gate(token: str) -> Any:
    """A Sanic request middleware refusing calls without the bearer token."""
    expected = token.encode("utf-8")

    async def gate(request: Any) -> Any:
        if request.path in OPEN_PATHS or request.path.startswith(OWN_TOKEN_PREFIXES):
            return None
        scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
                presented.strip().encode("utf-8", "replace"), expected):
            return None
        from sanic import response

        return response.json({"error": "unauthorized"}, status=401)

    return gate


def guard(create_app: Any, token: str) -> Any:
    """rasa-sdk's `create_app`, with the token gate on every app it makes."""

    @wraps(create_app)
    def create(*args: Any, **kwargs: Any) -> Any:
        app = create_app(*args, **kwargs)
        app.register_middleware(token_gate(token), "request")
        return app

    return create


def main() -> None:
    """Check the secrets, gate the app, then run actions.server as it is."""
    try:
        check_secrets(os.environ)
    except ConfigError as error:
        sys.exit(f"actions: configuration error: {error}")
    hand_over_outbox_keys(os.environ)
    from actions import server

    server.create_app = guard(server.create_app, os.environ["ACTION_SERVER_TOKEN"].strip())
    server.main()


if __name__ == "__main__":
    main()
