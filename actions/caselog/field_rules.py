"""What the case file accepts in each field: every value is checked, bounded and cleaned.

Input is hostile until checked. Text loses NUL bytes, control and invisible formatting
characters (a right-to-left override could disguise a link in the export) and runs of
white space; it has a length limit per field. Links are kept as the text typed, never
fetched, and only web links are links. Nothing that looks like an image (a data: URL, a
long run of base64, an image file's signature) is ever kept: the whole value is refused.

Errors name the field and a reason code, never the value, so they are safe to log.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import fields, replace
from typing import Any, Collection, Mapping, Optional

from actions.caselog.entries import (
    MOMENT_FIELDS,
    NUMBER_FIELDS,
    RECORD_TYPES,
    STATUSES,
    Moment,
    Record,
    parse_moment,
)

# Longest value each text field keeps, in characters.
MAX_LENGTHS = {
    "link": 500, "profile_link": 500, "description": 500, "demand": 1000,
    "account": 100, "username": 100, "to": 120, "reference": 80, "crime_reference": 80,
    "force": 120, "officer": 120,
}
LINK_FIELDS = frozenset({"link", "profile_link"})
PLATFORM_FIELDS = frozenset({"platform"})
MAX_NUMBER = 100_000
EARLIEST = dt.date(1990, 1, 1)
# A person's "today" may be tomorrow in UTC: a moment up to a day ahead is not refused.
CLOCK_SLACK = dt.timedelta(days=1)

# A data: URL (it carries a file inside the text).
_DATA_URL = re.compile(r"data:\s*(?:[a-z]+/[a-z0-9.+-]+)?\s*(?:;[^,\s]*)?,", re.IGNORECASE)
# A long run of base64, or lines of it: an encoded file, not something a person types.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{200,}={0,2}|[A-Za-z0-9+/]{60,}(?:\s+[A-Za-z0-9+/]{60,}){2,}")
# What image files hold, should one arrive as text: anywhere, or (RIFF: WebP) at the start.
_IMAGE_MARKS = ("\x89PNG", "\xff\xd8\xff", "GIF87a", "GIF89a", "<svg")
_IMAGE_STARTS = ("RIFF",)
_WEB_LINK = re.compile(r"^https?://[^\s/?#@]+\.[^\s/?#@]+(?:[/?#]\S*)?$", re.IGNORECASE)
_BARE_LINK = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d{1,5})?(?:[/?#]\S*)?$",
                        re.IGNORECASE)
# Removed from text: controls, formatting (bidi overrides, zero-width), surrogates,
# private use and unassigned code points.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


class FieldError(ValueError):
    """A value the case file will not keep: `field` and `reason` say which and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def looks_like_an_image(text: str) -> bool:
    """True for text that carries a file: a data: URL, long base64, an image's signature."""
    if (_DATA_URL.search(text) or any(mark in text for mark in _IMAGE_MARKS)
            or text.lstrip().startswith(_IMAGE_STARTS)):
        return True
    return any(_mixed(run.group()) for run in _BASE64_RUN.finditer(text))


def _mixed(run: str) -> bool:
    return (any(c.isdigit() for c in run) and any(c.islower() for c in run)
            and any(c.isupper() for c in run))


def clean_text(value: Any, field: str, max_length: Optional[int] = None) -> Optional[str]:
    """The text, NFC-normalised, without control or invisible characters, white space
    collapsed; None when nothing is left. Refuses non-text, images and overlong text."""
    if not isinstance(value, str):
        raise FieldError(field, "not_text")
    text = "".join(
        " " if c.isspace() else c for c in unicodedata.normalize("NFC", value)
        if c.isspace() or unicodedata.category(c) not in _DROPPED_CATEGORIES)
    # Checked before and after cleaning: an invisible character can hide a data: URL.
    if looks_like_an_image(value) or looks_like_an_image(text):
        raise FieldError(field, "image")
    text = " ".join(text.split())
    if not text:
        return None
    if len(text) > (max_length or MAX_LENGTHS.get(field, 200)):
        raise FieldError(field, "too_long")
    return text


def clean_link(value: Any, field: str) -> Optional[str]:
    """A web link as typed (with or without https://); never fetched."""
    text = clean_text(value, field)
    if text is None:
        return None
    if " " in text or not (_WEB_LINK.match(text) or _BARE_LINK.match(text)):
        raise FieldError(field, "not_a_link")
    return text


def clean_platform(value: Any, field: str, platform_ids: Collection[str]) -> str:
    """A platform id of the directory."""
    if not isinstance(value, str) or value.strip().lower() not in platform_ids:
        raise FieldError(field, "unknown_platform")
    return value.strip().lower()


def clean_number(value: Any, field: str) -> int:
    """An entry number: a whole number from 1."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_NUMBER:
        raise FieldError(field, "not_a_number")
    return value


def clean_moment(value: Any, field: str, now: dt.datetime) -> Moment:
    """A day (date) or a moment (datetime with a time zone, kept in UTC), not in the future
    and not before 1990. A time without a zone is refused: its meaning would be a guess."""
    if isinstance(value, str):
        try:
            value = parse_moment(value.strip())
        except ValueError:
            raise FieldError(field, "not_a_moment") from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise FieldError(field, "no_time_zone")
        value = value.astimezone(dt.timezone.utc)
        day = value.date()
        if value > now + CLOCK_SLACK:
            raise FieldError(field, "in_the_future")
    elif isinstance(value, dt.date):
        day = value
        if day > (now + CLOCK_SLACK).date():
            raise FieldError(field, "in_the_future")
    else:
        raise FieldError(field, "not_a_moment")
    if day < EARLIEST:
        raise FieldError(field, "too_early")
    return value


def clean_value(kind: str, field: str, value: Any, platform_ids: Collection[str],
                now: dt.datetime) -> Any:
    """One field's value checked for its kind of record; None (or "") clears it."""
    if field not in {f.name for f in fields(RECORD_TYPES[kind])}:
        raise FieldError(field, "unknown_field")
    if value is None or (isinstance(value, str) and not value.strip()):
        if field == "status":
            raise FieldError(field, "unknown_status")
        return None
    if field == "status":
        if value not in STATUSES:
            raise FieldError(field, "unknown_status")
        return value
    if field == "made_by":  # only the staff route sets it, and only to this
        if value != "team":
            raise FieldError(field, "unknown_maker")
        return value
    if field in MOMENT_FIELDS:
        return clean_moment(value, field, now)
    if field in NUMBER_FIELDS:
        return clean_number(value, field)
    if field in PLATFORM_FIELDS:
        return clean_platform(value, field, platform_ids)
    if field in LINK_FIELDS:
        return clean_link(value, field)
    return clean_text(value, field)


def make_record(kind: str, values: Mapping[str, Any], platform_ids: Collection[str],
                now: dt.datetime) -> Record:
    """A checked record of `kind` from the values given; refuses an empty one."""
    if kind not in RECORD_TYPES:
        raise FieldError("kind", "unknown_kind")
    cleaned = {name: clean_value(kind, name, value, platform_ids, now)
               for name, value in values.items()}
    record = RECORD_TYPES[kind](**{k: v for k, v in cleaned.items() if v is not None})
    _require_content(kind, record)
    return record


def changed_record(kind: str, record: Record, field: str, value: Any,
                   platform_ids: Collection[str], now: dt.datetime) -> Record:
    """The record with one field changed (None clears it); refuses emptying it."""
    updated = replace(record, **{field: clean_value(kind, field, value, platform_ids, now)})
    _require_content(kind, updated)
    return updated


def _require_content(kind: str, record: Record) -> None:
    if all(getattr(record, f.name) is None for f in fields(record) if f.name != "status"):
        raise FieldError(kind, "empty")
