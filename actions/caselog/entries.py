"""The five kinds of entry in a person's case file, as typed records.

A record holds only what the person told the assistant, already checked (field_rules.py):
text, links as text, platform ids from the directory, moments, entry numbers. Never an
image. Records are stored encrypted as JSON (`to_json`, `from_json`).

A moment is a `datetime` in UTC when the person gave a time, or a `date` when they gave a
day only: the log never invents a time of day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields
from typing import Any, Dict, Optional, Type, Union

Moment = Union[dt.datetime, dt.date]

# What a place's image is doing now, as far as the person knows.
REPORTED, REMOVED, STILL_UP, REFUSED, NOT_REPORTED = (
    "reported", "removed", "still_up", "refused", "not_reported")
STATUSES = (REPORTED, REMOVED, STILL_UP, REFUSED, NOT_REPORTED)
# Statuses of a place that is, as far as anyone knows, still online after a report.
AWAITING_REMOVAL = (REPORTED, STILL_UP, REFUSED)


@dataclass(frozen=True)
class Place:
    """A place the image appears: a link (as text, never fetched) or a description."""

    link: Optional[str] = None
    description: Optional[str] = None
    platform: Optional[str] = None       # a platform id of data/directory/platforms.yml
    found_at: Optional[Moment] = None
    status: str = NOT_REPORTED
    reupload_of: Optional[int] = None    # the number of the place it came back from


@dataclass(frozen=True)
class Threat:
    """A threat or message: when, from which account, where, what was demanded."""

    at: Optional[Moment] = None
    account: Optional[str] = None
    platform: Optional[str] = None
    demand: Optional[str] = None         # in the person's own words


@dataclass(frozen=True)
class Account:
    """An account involved: its username and profile link."""

    username: Optional[str] = None
    profile_link: Optional[str] = None
    platform: Optional[str] = None


@dataclass(frozen=True)
class Report:
    """A report the person (or someone for them) made about a place."""

    to: Optional[str] = None             # to whom, as the person put it ("StopNCII")
    platform: Optional[str] = None       # the platform's id when the report went to one
    at: Optional[Moment] = None
    reference: Optional[str] = None
    place: Optional[int] = None          # the number of the place it is about
    made_by: Optional[str] = None        # "team": a staff member made it for the person


@dataclass(frozen=True)
class PoliceContact:
    """A contact with the police: the force, the crime reference, the officer if given."""

    force: Optional[str] = None
    crime_reference: Optional[str] = None
    officer: Optional[str] = None
    at: Optional[Moment] = None


Record = Union[Place, Threat, Account, Report, PoliceContact]

RECORD_TYPES: Dict[str, Type[Any]] = {
    "place": Place, "threat": Threat, "account": Account, "report": Report,
    "police": PoliceContact,
}
KINDS = tuple(RECORD_TYPES)
KIND_OF = {record_type: kind for kind, record_type in RECORD_TYPES.items()}
MOMENT_FIELDS = frozenset({"found_at", "at"})
NUMBER_FIELDS = frozenset({"reupload_of", "place"})


@dataclass(frozen=True)
class Entry:
    """One numbered entry of a conversation's log; numbers are never reused."""

    number: int
    record: Record
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def kind(self) -> str:
        """"place", "threat", "account", "report" or "police"."""
        return KIND_OF[type(self.record)]


def field_names(kind: str) -> tuple:
    """The fields of one kind of record, in their order."""
    return tuple(f.name for f in fields(RECORD_TYPES[kind]))


def to_json(record: Record) -> Dict[str, Any]:
    """The record as JSON-ready data: its kind and its fields, moments in ISO form."""
    values = {name: (value.isoformat() if isinstance(value, dt.date) else value)
              for name, value in asdict(record).items() if value is not None}
    return {"kind": KIND_OF[type(record)], "fields": values}


def from_json(data: Dict[str, Any]) -> Record:
    """The record `to_json` wrote (stored data, already checked when it was written)."""
    values = dict(data["fields"])
    for name in MOMENT_FIELDS.intersection(values):
        values[name] = parse_moment(values[name])
    return RECORD_TYPES[data["kind"]](**values)


def parse_moment(text: str) -> Moment:
    """A moment from its ISO form: a datetime when it has a time, else a date."""
    if "T" in text:
        return dt.datetime.fromisoformat(text)
    return dt.date.fromisoformat(text)
