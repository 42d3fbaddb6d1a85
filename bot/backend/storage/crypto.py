"""Encryption at rest and keyed lookup hashes, with key rotation.

Contact details, summaries, safe times, notes, conversation ids and TOTP secrets are stored
as Fernet tokens. Several keys may be configured: the first encrypts, every key decrypts
(MultiFernet), so a new key can be put first and old rows re-encrypted at leisure with
`python -m bot.backend.ops.rotate_keys`.

A conversation id must also be found again (for erasure and for later events) without
decrypting every row, so it is stored a second time as an HMAC. Each Fernet key yields its
own HMAC key through HKDF; lookups try every configured key, so rows hashed under an old
key are still found until the rotation job rewrites them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_LOOKUP_INFO = b"bot.backend conversation id lookup v1"


class DecryptionError(RuntimeError):
    """A stored value cannot be decrypted with any configured key."""


class Vault:
    """Encrypts, decrypts and hashes values with the configured keys."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._fernet = MultiFernet([Fernet(key) for key in keys])
        self._lookup_keys = tuple(_lookup_key(key) for key in keys)

    def encrypt(self, plaintext: str) -> str:
        """Encrypt with the first key."""
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Decrypt with whichever configured key made the token."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise DecryptionError("no configured key decrypts this value") from None

    def encrypt_optional(self, plaintext: str | None) -> str | None:
        """Encrypt a value that may be absent."""
        return None if plaintext is None else self.encrypt(plaintext)

    def decrypt_optional(self, token: str | None) -> str | None:
        """Decrypt a value that may be absent."""
        return None if token is None else self.decrypt(token)

    def rotate(self, token: str) -> str:
        """Re-encrypt a token under the first key (keeping its original timestamp)."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise DecryptionError("no configured key decrypts this value") from None

    def lookup_hash(self, value: str) -> str:
        """The HMAC stored for new rows: made with the first key."""
        return _hmac(self._lookup_keys[0], value)

    def lookup_hashes(self, value: str) -> list[str]:
        """Every HMAC the value may be stored under, one per configured key."""
        return [_hmac(key, value) for key in self._lookup_keys]


def _lookup_key(fernet_key: bytes) -> bytes:
    """Derive a separate HMAC key so the encryption key is never used for two purposes."""
    raw = base64.urlsafe_b64decode(fernet_key)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LOOKUP_INFO).derive(raw)


def _hmac(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
