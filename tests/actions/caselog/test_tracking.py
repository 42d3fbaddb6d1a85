"""Overdue reports against the real directory's limits: the US Take It Down Act and X's
48 hours, the UK's unconfirmed 48 hours, Australia's clock that eSafety's notice starts."""

from __future__ import annotations

import datetime as dt
from typing import List

import pytest

from actions.caselog.entries import Entry, Place, Report, Threat
from actions.caselog.tracking import clock_start, overdue_reports
from bot.directory import Person
from tests.actions.caselog.conftest import NOW

HOUR = dt.timedelta(hours=1)


def log(*records) -> List[Entry]:
    return [Entry(n, record, NOW, NOW) for n, record in enumerate(records, start=1)]


def reported(hours_ago: float, platform: str = "reddit", status: str = "reported",
             to: str = None, report_platform: str = None) -> List[Entry]:
    return log(Place(link="https://example.com/post", platform=platform, status=status),
               Report(to=to, platform=report_platform, place=1,
                      at=NOW - dt.timedelta(hours=hours_ago)))


def test_a_us_report_past_48_hours_is_overdue_with_the_ftc(directory):
    [overdue] = overdue_reports(reported(49), directory, "US", NOW)
    assert overdue.place.number == 1 and overdue.report.number == 2
    assert [limit.rule.id for limit in overdue.limits] == ["us_take_it_down_act"]
    assert overdue.limits[0].due_at == NOW - HOUR and overdue.confirmed
    assert [s.id for s in overdue.escalation] == ["ftc"]


@pytest.mark.parametrize("hours_ago", [0, 1, 47.9])
def test_within_the_limit_nothing_is_overdue(directory, hours_ago):
    assert overdue_reports(reported(hours_ago), directory, "US", NOW) == []


@pytest.mark.parametrize("status", ["reported", "still_up", "refused"])
def test_any_place_awaiting_removal_can_be_overdue(directory, status):
    assert len(overdue_reports(reported(72, status=status), directory, "US", NOW)) == 1


@pytest.mark.parametrize("status", ["removed", "not_reported"])
def test_a_removed_or_unreported_place_is_never_overdue(directory, status):
    assert overdue_reports(reported(72, status=status), directory, "US", NOW) == []


def test_the_platforms_own_limit_and_the_laws_are_both_given(directory):
    [overdue] = overdue_reports(reported(50, platform="x"), directory, "US", NOW)
    assert {limit.rule.id for limit in overdue.limits} == {"us_take_it_down_act", "x"}
    assert [s.id for s in overdue.escalation] == ["ftc"]  # once, not twice


def test_xs_own_limit_applies_only_in_the_us(directory):
    assert overdue_reports(reported(50, platform="x"), directory, "IE", NOW) == []


def test_the_uks_unconfirmed_limit_offers_the_route_without_claiming_a_duty(directory):
    [overdue] = overdue_reports(reported(49), directory, "GB-ENG", NOW)
    assert [limit.rule.id for limit in overdue.limits] == ["uk_48_hour_removal"]
    assert not overdue.confirmed  # the directory marks this law's takedown unverified
    assert [s.id for s in overdue.escalation] == ["revenge_porn_helpline", "report_remove"]
    adult = Person(country="GB-ENG", age_group="adult")
    [for_an_adult] = overdue_reports(reported(49), directory, "GB-ENG", NOW, person=adult)
    assert [s.id for s in for_an_adult.escalation] == ["revenge_porn_helpline"]
    child = Person(country="GB-ENG", age=15)
    [for_a_child] = overdue_reports(reported(49), directory, "GB-ENG", NOW, person=child)
    assert [s.id for s in for_a_child.escalation] == ["report_remove"]


def test_australias_clock_starts_with_esafetys_notice_not_the_report(directory):
    [overdue] = overdue_reports(reported(25), directory, "AU", NOW)
    assert [limit.rule.id for limit in overdue.limits] == ["au_image_based_abuse_scheme"]
    assert not overdue.confirmed  # eSafety is the way to start it, not a missed duty
    assert [s.id for s in overdue.escalation] == ["esafety"]


def test_a_report_before_the_duty_began_is_not_held_to_it(directory):
    before = log(Place(platform="reddit", status="still_up"),
                 Report(place=1, at=dt.date(2026, 5, 18)))
    assert overdue_reports(before, directory, "US", NOW) == []
    after = log(Place(platform="reddit", status="still_up"),
                Report(place=1, at=dt.date(2026, 5, 19)))
    assert len(overdue_reports(after, directory, "US", NOW)) == 1
    # 19 May 05:00 UTC was still 18 May in the US: not certainly after the duty began.
    early = dt.datetime(2026, 5, 19, 5, tzinfo=dt.timezone.utc)
    assert overdue_reports(log(Place(platform="reddit", status="still_up"),
                               Report(place=1, at=early)), directory, "US", NOW) == []
    assert len(overdue_reports(log(Place(platform="reddit", status="still_up"),
                                   Report(place=1, at=early + 7 * HOUR)),
                               directory, "US", NOW)) == 1


def test_a_day_without_a_time_counts_from_its_end_everywhere(directory):
    day = dt.date(2026, 12, 2)
    assert clock_start(day) == dt.datetime(2026, 12, 3, 12, tzinfo=dt.timezone.utc)
    entries = log(Place(platform="reddit"), Report(place=1, at=day))
    entries[0] = Entry(1, Place(platform="reddit", status="reported"), NOW, NOW)
    just_before = dt.datetime(2026, 12, 5, 11, 59, tzinfo=dt.timezone.utc)
    assert overdue_reports(entries, directory, "US", just_before) == []
    assert len(overdue_reports(entries, directory, "US", just_before + 2 * HOUR)) == 1


@pytest.mark.parametrize("to, report_platform, counts", [
    (None, None, True),                 # "I reported it"
    ("Reddit", None, True),             # named as the person put it
    ("reddit.com", None, True),         # an alias
    (None, "reddit", True),
    ("Revenge Porn Helpline", None, False),
    ("the police", None, False),
    ("Instagram", None, False),         # another platform
    (None, "meta", False),
])
def test_only_a_report_to_the_platform_starts_its_clock(directory, to, report_platform,
                                                        counts):
    entries = reported(72, to=to, report_platform=report_platform)
    assert bool(overdue_reports(entries, directory, "US", NOW)) is counts


def test_the_earliest_report_starts_the_clock_and_reports_need_a_time(directory):
    entries = log(Place(platform="reddit", status="still_up"),
                  Report(place=1, at=NOW - 10 * HOUR),
                  Report(place=1, at=NOW - 60 * HOUR, reference="first"),
                  Report(place=1, reference="no time given"),
                  Threat(demand="pay"))
    [overdue] = overdue_reports(entries, directory, "US", NOW)
    assert overdue.report.record.reference == "first"
    undated = log(Place(platform="reddit", status="still_up"), Report(place=1))
    assert overdue_reports(undated, directory, "US", NOW) == []


def test_several_places_soonest_passed_first(directory):
    entries = log(Place(platform="reddit", status="reported"),
                  Place(platform="meta", status="still_up"),
                  Place(platform="tiktok", status="removed"),
                  Report(place=1, at=NOW - 50 * HOUR),
                  Report(place=2, at=NOW - 80 * HOUR),
                  Report(place=3, at=NOW - 80 * HOUR))
    assert [o.place.number for o in overdue_reports(entries, directory, "US", NOW)] == [2, 1]
    # Unknown country: the charity's home (the UK by default).
    assert [o.place.number for o in overdue_reports(entries, directory, None, NOW)] == [2, 1]
