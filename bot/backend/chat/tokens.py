"""Widget session ids: issued by the server, signed, and checked on every resume.

A token is `<id>.<issued>.<mac>`: 32 random bytes (base64url), the Unix time it was issued
and an HMAC-SHA256 over both under WIDGET_SESSION_KEY. Rasa only ever sees "web-<id>", so
the sender id found in a database, a transcript or a log is not enough to write into the
conversation: that needs the MAC, which only the browser holding the token has (in memory).
A client cannot choose its own id, and a token stops working after WIDGET_SESSION_HOURS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable

SENDER_PREFIX = "web-"
_TOKEN = re.compile(r"^([A-Za-z0-9_-]{43})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$")
# A browser clock is not involved, but two backend hosts' clocks may differ a little.
_SKEW_SECONDS = 60


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class SessionTokens:
    """Issues and verifies widget session tokens."""

    def __init__(self, key: str, max_age_seconds: float,
                 clock: Callable[[], float] = time.time) -> None:
        self._key = hashlib.sha256(b"widget-session-v1\x00" + key.encode("utf-8")).digest()
        self._max_age = max_age_seconds
        self._clock = clock

    def issue(self) -> tuple[str, str]:
        """A new (token, session id) pair."""
        session_id = _b64(secrets.token_bytes(32))
        issued = str(int(self._clock()))
        return f"{session_id}.{issued}.{self._mac(session_id, issued)}", session_id

    def verify(self, token: object) -> str | None:
        """The session id inside a genuine, unexpired token; None for anything else."""
        if not isinstance(token, str):
            return None
        match = _TOKEN.match(token)
        if match is None:
            return None
        session_id, issued, mac = match.groups()
        if not hmac.compare_digest(mac, self._mac(session_id, issued)):
            return None
        age = self._clock() - int(issued)
        if age < -_SKEW_SECONDS or age > self._max_age:
            return None
        return session_id

    def _mac(self, session_id: str, issued: str) -> str:
        message = f"{session_id}.{issued}".encode("ascii")
        return _b64(hmac.new(self._key, message, hashlib.sha256).digest())


def sender_id(session_id: str) -> str:
    """The Rasa sender id of a widget session."""
    return SENDER_PREFIX + session_id
