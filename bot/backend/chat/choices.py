"""Button tokens: the widget gets an opaque token for each button, never its payload.

A button's payload ('/inform_country{"country": "GB-SCT"}') is a ready-made intent. Were
the widget to send payloads back, anything typed could be one too. So the relay seals
each payload for the session it was shown to (AES-GCM, the session's sender id as
associated data, a key derived from WIDGET_SESSION_KEY) and the widget sends the token
back; only a token this server issued, for this session, opens into a payload. Sealed
rather than stored, so any backend process can open a token another one issued (REDIS_URL)
and nothing is kept per button. A token is as long-lived as its session token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
MAX_TOKEN_CHARS = 4096


class Choices:
    """Seals and opens button payloads, each bound to one conversation."""

    def __init__(self, key: str) -> None:
        self._aead = AESGCM(hashlib.sha256(b"widget-choice-v1\x00" + key.encode()).digest())

    def seal(self, sender: str, payload: str) -> str:
        """An opaque token for one button shown to one conversation."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, payload.encode("utf-8"), sender.encode("utf-8"))
        return base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")

    def open(self, sender: str, token: object) -> str | None:
        """The payload, if this server sealed the token for this conversation; else None."""
        if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_CHARS:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            payload = self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                         sender.encode("utf-8"))
        except (binascii.Error, ValueError, InvalidTag):
            return None
        return payload.decode("utf-8")
