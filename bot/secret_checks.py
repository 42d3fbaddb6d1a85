"""Secrets are checked before a service starts: never empty, a placeholder or guessable.

Every service (the backend, the Telegram gateway, the action server's and Rasa's wrappers)
calls these on its own secrets and stops with a message naming the variable: a stack that
starts with `CHANGE_ME_...` from deploy/.env.example, or with a token someone typed by
hand, is worse than one that does not start. The value itself is never echoed.

"Guessable" is measured on the characters themselves: the length times the empirical
entropy of their distribution, less repeats and runs (estimated_bits). A random token of
32 bytes (`secrets.token_urlsafe(32)`, 43 characters) measures about 200 bits, a Fernet
key about 210; "rasa-test-token" about 45, and "aaaa..." or "0123456789" repeated nothing. It cannot tell a random string from a
long one typed with care, so it is a floor, not a proof: deploy/.env.example says how to
generate each value.

Imports nothing beyond the standard library, so Rasa's environment (Python 3.10) and the
services' (3.11) share it.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections import Counter
from typing import Mapping, Optional
from urllib.parse import unquote, urlsplit

# Tokens and keys: at least 32 characters measuring 80 bits (in 10,000 draws, random hex
# of 32 characters measured at least 85). Passwords inside database and Redis URLs: 16
# characters, 64 bits (`secrets.token_urlsafe(18)` measured at least 77).
TOKEN_BITS = 80.0
TOKEN_LENGTH = 32
PASSWORD_BITS = 64.0
PASSWORD_LENGTH = 16
# Words that mark a value copied from an example rather than generated.
PLACEHOLDERS = ("change_me", "changeme", "change-me", "placeholder", "example", "your_",
                "replace_me", "xxxxxxxx", "todo")


class SecretError(ValueError):
    """A secret is missing, a placeholder or too weak; the message names the variable."""


def estimated_bits(value: str) -> float:
    """Length times the Shannon entropy of the value's character distribution, counting a
    value that repeats itself ("0123456789" four times) or runs through the alphabet
    ("abcdefgh...") as only its first part."""
    value = _one_period(value)
    if not value:
        return 0.0
    total = len(value)
    per_char = -sum(n / total * math.log2(n / total) for n in Counter(value).values())
    return per_char * total * (1.0 - _in_runs(value) / total)


def _in_runs(value: str, shortest: int = 4) -> int:
    """How many characters belong to runs like "aaaa", "abcd" or "4321"."""
    counted, start = 0, 0
    for end in range(1, len(value) + 1):
        if end < len(value) and end - start >= 1:
            step = ord(value[end]) - ord(value[end - 1])
            first = ord(value[start + 1]) - ord(value[start]) if end - start >= 2 else step
            if step in (-1, 0, 1) and step == first:
                continue
        if end - start >= shortest:
            counted += end - start
        start = end
    return counted


def _one_period(value: str) -> str:
    for period in range(1, len(value) // 2 + 1):
        if (value[:period] * (len(value) // period + 1))[:len(value)] == value:
            return value[:period]
    return value


def is_placeholder(value: str) -> bool:
    """Whether the value looks copied from an example file rather than generated."""
    lowered = value.lower()
    return any(word in lowered for word in PLACEHOLDERS)


def check_secret(name: str, value: Optional[str], min_bits: float = TOKEN_BITS,
                 hint: str = "", min_length: int = TOKEN_LENGTH) -> str:
    """The value, stripped, if it is a usable secret; else SecretError naming `name`."""
    text = (value or "").strip()
    how = f" ({hint})" if hint else ""
    if not text:
        raise SecretError(f"{name} is not set{how}")
    if is_placeholder(text):
        raise SecretError(f"{name} still holds a placeholder: generate a real value{how}")
    if len(text) < min_length:
        raise SecretError(f"{name} must be at least {min_length} characters{how}")
    if estimated_bits(text) < min_bits:
        raise SecretError(f"{name} is too easy to guess: generate a random value{how}")
    return text


def check_key_list(name: str, value: Optional[str], hint: str = "") -> list:
    """Comma-separated Fernet keys (the first encrypts, all decrypt), each checked."""
    keys = [part.strip() for part in (value or "").split(",") if part.strip()]
    if not keys:
        raise SecretError(f"{name} is not set" + (f" ({hint})" if hint else ""))
    for position, key in enumerate(keys, start=1):
        check_secret(f"{name} (key {position})", key, TOKEN_BITS, hint)
        try:
            raw = base64.urlsafe_b64decode(key.encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raw = b""
        if len(raw) != 32:
            raise SecretError(f"{name}: key {position} is not a Fernet key "
                              "(32 url-safe base64-encoded bytes)")
    return keys


def check_url_password(name: str, url: Optional[str], required: bool) -> None:
    """A database or Redis URL's password, if it has one, must be strong; `required`
    (production) refuses a URL without one. SQLite and unix sockets have none."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite") or parts.scheme == "unix":
        return
    password = unquote(parts.password) if parts.password else ""
    if not password:
        if required:
            raise SecretError(f"{name} has no password")
        return
    check_secret(f"{name} (its password)", password, PASSWORD_BITS,
                 min_length=PASSWORD_LENGTH)


def check_distinct(values: Mapping[str, Optional[str]]) -> None:
    """No secret may serve two purposes: a leak of one must not open the other."""
    seen: dict = {}
    for name, value in values.items():
        if not value:
            continue
        if value in seen:
            raise SecretError(f"{name} has the same value as {seen[value]}: "
                              "each needs its own")
        seen[value] = name
