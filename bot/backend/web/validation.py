"""Strict checks for untrusted input, shared by the ingest API and the dashboard's forms.

Each check returns the clean value or raises ValidationError naming the field. Text is
refused when it holds NUL or other control characters (PostgreSQL rejects NUL; the rest
hide content from staff) or lone surrogates (they cannot be stored as UTF-8).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Collection, Mapping

# Tab, newline and carriage return are allowed in multi-line text only.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f]")
_IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class ValidationError(ValueError):
    """One field of the input is wrong; the message is safe to show to the sender."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def exact_keys(value: object, field: str, keys: Collection[str]) -> Mapping[str, object]:
    """An object with exactly these keys: none missing, none unknown."""
    if not isinstance(value, dict):
        raise ValidationError(field, "must be an object")
    missing = [key for key in keys if key not in value]
    if missing:
        raise ValidationError(_join(field, missing[0]), "is required")
    unknown = [key for key in value if key not in keys]
    if unknown:
        raise ValidationError(_join(field, str(unknown[0])[:40]), "is not a known field")
    return value


def text(value: object, field: str, *, max_length: int, multiline: bool = False) -> str:
    """A non-empty string of at most `max_length` characters, with no control characters."""
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string")
    if not value.strip():
        raise ValidationError(field, "must not be empty")
    if len(value) > max_length:
        raise ValidationError(field, f"must be at most {max_length} characters")
    if "\x00" in value:
        raise ValidationError(field, "must not contain NUL characters")
    if (_CONTROL if multiline else _CONTROL_OR_BREAK).search(value):
        raise ValidationError(field, "must not contain control characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(field, "must be valid Unicode text") from None
    return value


def optional_text(value: object, field: str, *, max_length: int) -> str | None:
    """Like text(), but null is allowed."""
    return None if value is None else text(value, field, max_length=max_length)


def choice(value: object, field: str, options: Collection[str]) -> str:
    """One of a fixed set of strings."""
    if not isinstance(value, str) or value not in options:
        raise ValidationError(field, "must be one of " + ", ".join(options))
    return value


def optional_choice(value: object, field: str, options: Collection[str]) -> str | None:
    """Like choice(), but null is allowed."""
    return None if value is None else choice(value, field, options)


def subset(value: object, field: str, options: Collection[str]) -> list[str]:
    """A list drawn from a fixed set, returned de-duplicated in the set's order."""
    items = _list(value, field, len(options) * 2)
    for item in items:
        choice(item, field, options)
    return [option for option in options if option in items]


def identifiers(value: object, field: str, *, max_items: int, max_length: int) -> list[str]:
    """A list of lower-case ids (such as directory ids), de-duplicated and sorted."""
    names: set[str] = set()
    for item in _list(value, field, max_items):
        if not isinstance(item, str) or not _IDENTIFIER.match(item):
            raise ValidationError(field, "must hold lower-case ids (a-z, 0-9, _ . -)")
        if len(item) > max_length:
            raise ValidationError(field, f"ids must be at most {max_length} characters")
        names.add(item)
    return sorted(names)


def boolean(value: object, field: str) -> bool:
    """True or false, not 0/1 or "yes"."""
    if not isinstance(value, bool):
        raise ValidationError(field, "must be true or false")
    return value


def timestamp(value: object, field: str) -> dt.datetime:
    """An ISO 8601 time with a timezone, returned in UTC."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValidationError(field, "must be an ISO 8601 time with a timezone")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(field, "must be an ISO 8601 time with a timezone") from None
    if parsed.tzinfo is None:
        raise ValidationError(field, "must include a timezone (for example Z or +01:00)")
    return parsed.astimezone(dt.UTC)


def optional_timestamp(value: object, field: str) -> dt.datetime | None:
    """Like timestamp(), but null is allowed."""
    return None if value is None else timestamp(value, field)


def uuid4(value: object, field: str) -> uuid.UUID:
    """A version 4 UUID in its canonical text form."""
    if not isinstance(value, str):
        raise ValidationError(field, "must be a UUID string")
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise ValidationError(field, "must be a UUID") from None
    if parsed.version != 4 or str(parsed) != value.lower():
        raise ValidationError(field, "must be a version 4 UUID like 1b4e28ba-2fa1-4d3b-…")
    return parsed


def _list(value: object, field: str, max_items: int) -> list[object]:
    if not isinstance(value, list):
        raise ValidationError(field, "must be a list")
    if len(value) > max_items:
        raise ValidationError(field, f"must have at most {max_items} items")
    return value


def _join(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key
