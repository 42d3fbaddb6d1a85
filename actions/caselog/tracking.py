"""Which reported places have outlived a removal time limit, and where to escalate.

A pure function of the log, the directory, the person's country and the time. A place
still awaiting removal (reported, still up, refused) whose earliest report to its platform
is older than a limit that applies there (the platform's own, or a law's, from
`Directory.takedown_rules`) is overdue; the escalation services come from the directory.

Only a report to the platform starts a clock: a report to a helpline or the police does
not. A report logged with a day but no time counts from the end of that day anywhere on
earth, so a report is never called overdue early. A limit counts as truly passed
(`confirmed`) only when its clock starts with the person's report and the directory does
not mark it unverified; otherwise (Australia's clock starts with eSafety's notice; the
UK's 48 hours is not confirmed law) the place is still returned, as one the escalation
route can help with, and the wording must not say a legal duty was missed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple, Union

from actions.caselog.entries import AWAITING_REMOVAL, Entry, Moment, Place, Report
from bot.directory import Directory, Person
from bot.directory.records import Law, Platform, Service, Takedown

Rule = Union[Law, Platform]


@dataclass(frozen=True)
class PassedLimit:
    """One removal time limit a report has outlived."""

    rule: Rule
    takedown: Takedown
    due_at: dt.datetime
    # The report started this limit's clock and the limit is confirmed: a duty was missed.
    confirmed: bool


@dataclass(frozen=True)
class Overdue:
    """A place still up past a time limit, the report that started the clock, the limits
    passed (confirmed ones first) and where to turn."""

    place: Entry
    report: Entry
    limits: Tuple[PassedLimit, ...]
    escalation: Tuple[Service, ...]

    @property
    def confirmed(self) -> bool:
        """At least one confirmed limit has passed."""
        return any(limit.confirmed for limit in self.limits)


def clock_start(moment: Moment) -> dt.datetime:
    """When a report's clock started: its time, or for a day alone the end of that day
    in the last time zone to finish it (UTC-12), so no limit is called passed early."""
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.timezone.utc)
    return dt.datetime.combine(moment + dt.timedelta(days=1), dt.time(12),
                               tzinfo=dt.timezone.utc)


def overdue_reports(entries: Sequence[Entry], directory: Directory, country: Optional[str],
                    now: dt.datetime, person: Optional[Person] = None) -> List[Overdue]:
    """The places past a removal limit, soonest passed first. With `person`, escalation
    services are only those they are eligible for."""
    places = {e.number: e for e in entries
              if isinstance(e.record, Place) and e.record.status in AWAITING_REMOVAL}
    first_report: Dict[int, Entry] = {}
    for entry in entries:
        report = entry.record
        if (isinstance(report, Report) and report.place in places and report.at is not None
                and _to_the_platform(report, places[report.place].record, directory)):
            earlier = first_report.get(report.place)
            if earlier is None or clock_start(report.at) < clock_start(earlier.record.at):
                first_report[report.place] = entry
    found = []
    rules = directory.takedown_rules(country)
    for number, report in first_report.items():
        place = places[number]
        platform = place.record.platform or report.record.platform
        limits = _passed(rules, platform, report.record.at, now)
        if limits:
            found.append(Overdue(place, report, limits,
                                 _escalation(limits, directory, person)))
    return sorted(found, key=lambda o: (min(limit.due_at for limit in o.limits),
                                        o.place.number))


def _to_the_platform(report: Report, place: Place, directory: Directory) -> bool:
    """A report to the place's platform; one to nobody in particular counts as that too
    (people say "I reported it"), one to anyone else (a helpline, the police) does not."""
    if report.platform is not None:
        return place.platform is None or report.platform == place.platform
    if report.to is None:
        return True
    named = directory.platform(report.to)
    return named is not None and (place.platform is None or named.id == place.platform)


def after_duty_began(reported_at: Moment, applies_from: Optional[str]) -> bool:
    """The report was certainly made once the duty applied (YYYY-MM-DD or YYYY-MM): on or
    after that day, or at a time when that day had begun everywhere (12:00 UTC)."""
    if applies_from is None:
        return True
    first_day = dt.date.fromisoformat(applies_from if len(applies_from) == 10
                                      else applies_from + "-01")
    if isinstance(reported_at, dt.datetime):
        return reported_at >= dt.datetime.combine(first_day, dt.time(12),
                                                  tzinfo=dt.timezone.utc)
    return reported_at >= first_day


def _passed(rules: Sequence[Tuple[Rule, Takedown]], platform: Optional[str],
            reported_at: Moment, now: dt.datetime) -> Tuple[PassedLimit, ...]:
    limits = []
    start = clock_start(reported_at)
    for rule, takedown in rules:
        if isinstance(rule, Platform) and rule.id != platform:
            continue
        if not after_duty_began(reported_at, takedown.applies_from):
            continue
        due_at = start + dt.timedelta(hours=takedown.hours)
        if now >= due_at:
            confirmed = (takedown.started_by == "report"
                         and not rule.provenance.is_unverified("takedown"))
            limits.append(PassedLimit(rule, takedown, due_at, confirmed))
    return tuple(sorted(limits, key=lambda limit: (not limit.confirmed, limit.due_at)))


def _escalation(limits: Sequence[PassedLimit], directory: Directory,
                person: Optional[Person]) -> Tuple[Service, ...]:
    services: List[Service] = []
    for limit in limits:
        for service_id in limit.takedown.escalation:
            service = directory.service(service_id)
            if service not in services and (person is None
                                             or directory.eligible(service, person)):
                services.append(service)
    return tuple(services)
