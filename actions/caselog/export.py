"""The case log as a document for the police, a solicitor or a helpline.

`build_document` turns a conversation's entries into titled tables: the incident log
(date and time, platform, link, what happened, what was done, reference numbers), the
reports and their status, the accounts involved and the police contacts, under a header
saying when and how the document was produced. export_text.py and export_pdf.py render
it. It is a pure function: no database, no clock of its own.

No image can be in it (the log holds none), and no intimate description: every piece of
free text the person typed passes through the redaction list and is shortened. Links,
usernames and reference numbers are evidence and are kept as typed; links are text,
never fetched, and never made clickable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from actions.caselog.entries import (
    Account,
    Entry,
    Moment,
    Place,
    PoliceContact,
    Report,
    Threat,
)
from actions.caselog.redaction import Redactor, cached_redactor
from bot.directory import Directory

TITLE = "Case log"
NONE = "—"
# Longest stretch of the person's own words the document quotes.
MAX_QUOTE = 300
STATUS_WORDS = {
    "reported": "Reported, waiting for removal",
    "removed": "Removed",
    "still_up": "Still up",
    "refused": "Refused by the platform",
    "not_reported": "Not reported yet",
}


@dataclass(frozen=True)
class Table:
    """A titled section: column headings, rows of text, and what to say with no rows."""

    title: str
    headings: Tuple[str, ...]
    rows: Tuple[Tuple[str, ...], ...]
    empty: str = "None recorded."


@dataclass(frozen=True)
class CaseDocument:
    """What both exports show: a title, the header, notes, and the tables in order."""

    title: str
    produced: str
    notes: Tuple[str, ...]
    tables: Tuple[Table, ...]
    produced_at: dt.datetime


def build_document(entries: Sequence[Entry], directory: Directory, charity_name: str,
                   produced_at: dt.datetime, timezone: dt.tzinfo = dt.timezone.utc,
                   redactor: Optional[Redactor] = None) -> CaseDocument:
    """The document for these entries, produced at `produced_at`, times shown in
    `timezone` (the header names it)."""
    words = _Words(directory, timezone, redactor or cached_redactor())
    local = produced_at.astimezone(timezone)
    produced = (f"Produced on {local:%-d %B %Y} at {local:%H:%M} {_zone(local)} by "
                f"{charity_name}'s assistant from what you told it; it holds no images.")
    notes = (
        f"Times are {_zone(local)}. Entry numbers (No.) are those in the conversation.",
        "Descriptions and messages are in the person's words, shortened, with explicit "
        "words replaced by [removed]. Links are as typed; they were not opened.",
    )
    places = {e.number: e for e in entries if isinstance(e.record, Place)}
    reports = [e for e in entries if isinstance(e.record, Report)]
    return CaseDocument(TITLE, produced, notes, (
        _incidents(entries, places, reports, words),
        _reports(reports, places, words),
        _accounts(entries, words),
        _police(entries, words),
    ), produced_at)


class _Words:
    """How values are written in the document."""

    def __init__(self, directory: Directory, timezone: dt.tzinfo, redactor: Redactor) -> None:
        self.directory = directory
        self.timezone = timezone
        self.redactor = redactor

    def moment(self, moment: Optional[Moment]) -> str:
        if moment is None:
            return NONE
        if isinstance(moment, dt.datetime):
            return f"{moment.astimezone(self.timezone):%-d %b %Y, %H:%M}"
        return f"{moment:%-d %b %Y}"

    def platform(self, platform_id: Optional[str]) -> str:
        if platform_id is None:
            return NONE
        found = self.directory.platform(platform_id)
        return found.name if found else platform_id

    def quote(self, text: Optional[str]) -> str:
        """The person's own words: redacted, then shortened."""
        if not text:
            return ""
        text = self.redactor.redact(text)
        return text if len(text) <= MAX_QUOTE else text[:MAX_QUOTE - 1].rstrip() + "…"

    def plain(self, text: Optional[str]) -> str:
        return self.quote(text) or NONE


def _zone(moment: dt.datetime) -> str:
    return moment.tzname() or "UTC"


def _sort_key(moment: Optional[Moment], number: int) -> Tuple:
    if moment is None:
        return (1, "", number)  # undated entries after dated ones
    if isinstance(moment, dt.datetime):
        return (0, moment.astimezone(dt.timezone.utc).isoformat(), number)
    return (0, moment.isoformat(), number)


def _incidents(entries: Sequence[Entry], places: Dict[int, Entry], reports: List[Entry],
               words: _Words) -> Table:
    rows = []
    for entry in entries:
        record = entry.record
        if isinstance(record, Place):
            rows.append((_sort_key(record.found_at, entry.number),
                         _place_row(entry, record, reports, words)))
        elif isinstance(record, Threat):
            rows.append((_sort_key(record.at, entry.number), _threat_row(entry, record, words)))
    return Table("Incident log",
                 ("No.", "Date and time", "Platform", "Link", "What happened", "What was done",
                  "Reference numbers"),
                 tuple(row for _, row in sorted(rows, key=lambda r: r[0])))


def _place_row(entry: Entry, place: Place, reports: List[Entry],
               words: _Words) -> Tuple[str, ...]:
    happened = "Image found here"
    if place.reupload_of is not None:
        happened += f", a re-upload of no. {place.reupload_of}"
    description = words.quote(place.description)
    happened += f": {description}" if description else "."
    about = [r for r in reports if r.record.place == entry.number]
    done = [f"Reported to {_recipient(r.record, words)} "
            f"{'on ' + words.moment(r.record.at) if r.record.at else '(date not given)'} "
            f"(no. {r.number})." for r in about]
    done.append(f"Status: {STATUS_WORDS[place.status]}.")
    references = [r.record.reference for r in about if r.record.reference]
    return (str(entry.number), words.moment(place.found_at), words.platform(place.platform),
            place.link or NONE, happened, " ".join(done), ", ".join(references) or NONE)


def _threat_row(entry: Entry, threat: Threat, words: _Words) -> Tuple[str, ...]:
    source = f" from {threat.account}" if threat.account else ""
    demand = words.quote(threat.demand)
    happened = f"A threat or message{source}" + (f". Demanded: “{demand}”" if demand else ".")
    return (str(entry.number), words.moment(threat.at), words.platform(threat.platform), NONE,
            happened, NONE, NONE)


def _recipient(report: Report, words: _Words) -> str:
    by_team = " (by the charity's team)" if report.made_by == "team" else ""
    if report.to:
        return words.quote(report.to) + by_team
    if report.platform:
        return words.platform(report.platform) + by_team
    return "the platform" + by_team


def _reports(reports: List[Entry], places: Dict[int, Entry], words: _Words) -> Table:
    rows = []
    for entry in sorted(reports, key=lambda e: _sort_key(e.record.at, e.number)):
        report = entry.record
        place = places.get(report.place) if report.place is not None else None
        if place is not None:
            what = place.record.link or words.quote(place.record.description) or NONE
            about = f"No. {place.number}, {words.platform(place.record.platform)}: {what}"
            status = STATUS_WORDS[place.record.status]
        else:
            about, status = NONE, NONE
        rows.append((str(entry.number), words.moment(report.at), _recipient(report, words),
                     about, report.reference or NONE, status))
    return Table("Reports and their status",
                 ("No.", "Date and time", "Reported to", "About", "Reference number",
                  "Status"), tuple(rows))


def _accounts(entries: Sequence[Entry], words: _Words) -> Table:
    rows = tuple((str(e.number), e.record.username or NONE, words.platform(e.record.platform),
                  e.record.profile_link or NONE)
                 for e in entries if isinstance(e.record, Account))
    return Table("Accounts involved", ("No.", "Username", "Platform", "Profile link"), rows)


def _police(entries: Sequence[Entry], words: _Words) -> Table:
    contacts = sorted((e for e in entries if isinstance(e.record, PoliceContact)),
                      key=lambda e: _sort_key(e.record.at, e.number))
    rows = tuple((str(e.number), words.moment(e.record.at), words.plain(e.record.force),
                  e.record.crime_reference or NONE, words.plain(e.record.officer))
                 for e in contacts)
    return Table("Police contacts",
                 ("No.", "Date and time", "Police force", "Crime reference", "Officer"), rows)
