"""Which directory records are due for checking, and which facts no source has confirmed.

A pure function of the directory and a date, so `make check-directory` and the staff
dashboard's Directory page show the same lists. Wrong or outdated information to a victim is
a severe bug: every record names when it was last checked, and one not checked for
`max_age_days` (180 by default) is due, as is every fact still marked unverified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterator, List, Tuple

from bot.directory.directory import Directory

DEFAULT_MAX_AGE_DAYS = 180

# Record kinds, as the dashboard groups them.
SERVICE, PLATFORM, JURISDICTION, LAW, EVIDENCE = (
    "service", "platform", "jurisdiction", "law", "evidence")


@dataclass(frozen=True)
class RecordRef:
    """One directory record: what it is, its id, a name people recognise, its sources."""

    kind: str
    id: str
    name: str
    verified: str                    # YYYY-MM-DD, or YYYY-MM where only the month is known
    sources: Tuple[str, ...]         # https addresses, or factsheet.md#section

    @property
    def links(self) -> Tuple[str, ...]:
        """The sources a browser can open (the rest are sections of the fact sheet)."""
        return tuple(s for s in self.sources if s.startswith("https://"))


@dataclass(frozen=True)
class StaleRecord:
    """A record last checked longer ago than the report's maximum age."""

    record: RecordRef
    checked_on: dt.date              # the earliest day the `verified` date can mean
    age_days: int


@dataclass(frozen=True)
class UnverifiedFact:
    """One fact of a record that no source has confirmed yet."""

    record: RecordRef
    fact: str                        # e.g. "phone", "hours", "in_force"


@dataclass(frozen=True)
class FreshnessReport:
    """What is due for checking on one day: stale records and unconfirmed facts."""

    as_of: dt.date
    max_age_days: int
    stale: Tuple[StaleRecord, ...]
    unverified: Tuple[UnverifiedFact, ...]


def checked_on(verified: str) -> dt.date:
    """The day a `verified` date stands for. A month alone counts from its first day, so
    a record is never taken to be fresher than it is."""
    return dt.date.fromisoformat(verified if len(verified) == 10 else verified + "-01")


def _each(directory: Directory) -> Iterator[Tuple[RecordRef, Tuple[str, ...]]]:
    """Every record, in file order, with the facts it marks unverified."""
    groups = ((SERVICE, directory.services), (PLATFORM, directory.platforms),
              (JURISDICTION, directory.jurisdictions), (LAW, directory.laws),
              (EVIDENCE, directory.evidence))
    for kind, group in groups:
        for r in group:
            name = getattr(r, "name", None) or getattr(r, "title", None) or _opening(r.text)
            ref = RecordRef(kind=kind, id=r.id, name=name, verified=r.provenance.verified,
                            sources=r.provenance.source)
            yield ref, r.provenance.unverified


def _opening(text: str, length: int = 60) -> str:
    """An evidence step is known by the start of what it says."""
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + "…"


def records(directory: Directory) -> List[RecordRef]:
    """Every record in the directory, in file order."""
    return [ref for ref, _ in _each(directory)]


def stale_records(directory: Directory, as_of: dt.date,
                  max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> List[StaleRecord]:
    """Records last checked more than `max_age_days` before `as_of`, oldest first."""
    if max_age_days < 0:
        raise ValueError("max_age_days must not be negative")
    due = []
    for ref in records(directory):
        day = checked_on(ref.verified)
        age = (as_of - day).days
        if age > max_age_days:
            due.append(StaleRecord(record=ref, checked_on=day, age_days=age))
    return sorted(due, key=lambda s: (s.checked_on, s.record.kind, s.record.id))


def unverified_facts(directory: Directory) -> List[UnverifiedFact]:
    """Every fact marked unverified, with the record it belongs to, in file order."""
    return [UnverifiedFact(record=ref, fact=fact)
            for ref, facts in _each(directory) for fact in facts]


def check_freshness(directory: Directory, as_of: dt.date,
                    max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> FreshnessReport:
    """Both lists, as of a given day: what is due for checking and what is unconfirmed."""
    return FreshnessReport(as_of=as_of, max_age_days=max_age_days,
                           stale=tuple(stale_records(directory, as_of, max_age_days)),
                           unverified=tuple(unverified_facts(directory)))
