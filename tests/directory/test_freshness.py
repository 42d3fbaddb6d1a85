"""What is due for checking, and what is not yet confirmed, as of a given day."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from bot.directory import load_directory
from bot.directory.freshness import (
    DEFAULT_MAX_AGE_DAYS,
    check_freshness,
    checked_on,
    records,
    stale_records,
    unverified_facts,
)
from tests.directory.test_records import minimal, write


@pytest.fixture
def docs():
    return copy.deepcopy(minimal())


def dated(docs, **verified):
    """The minimal directory with some records' `verified` dates changed, by id."""
    for group in docs.values():
        for record in group:
            if record["id"] in verified:
                record["verified"] = verified[record["id"]]
    return docs


def test_a_month_counts_from_its_first_day():
    assert checked_on("2026-11") == dt.date(2026, 11, 1)
    assert checked_on("2026-12-04") == dt.date(2026, 12, 4)


def test_a_record_older_than_the_limit_is_due(tmp_path, docs):
    d = load_directory(write(tmp_path, dated(docs, helpline="2026-01-01", crisis="2026-06-05")))
    due = stale_records(d, as_of=dt.date(2026, 7, 1), max_age_days=180)
    assert [(s.record.kind, s.record.id, s.age_days) for s in due] == [
        ("service", "helpline", 181)]
    assert due[0].record.name == "Helpline"
    assert due[0].record.links == ("https://example.org/page",)


def test_exactly_the_limit_is_not_yet_due(tmp_path, docs):
    d = load_directory(write(tmp_path, dated(docs, helpline="2026-01-02")))
    assert stale_records(d, as_of=dt.date(2026, 7, 1), max_age_days=180) == []


def test_the_oldest_comes_first_and_every_kind_is_covered(tmp_path, docs):
    d = load_directory(write(tmp_path, docs))  # every record "2026-11"
    due = stale_records(d, as_of=dt.date(2027, 12, 31), max_age_days=30)
    assert {s.record.kind for s in due} == {
        "service", "platform", "jurisdiction", "law", "evidence"}
    assert len(due) == len(records(d))


def test_a_negative_limit_is_refused(tmp_path, docs):
    d = load_directory(write(tmp_path, docs))
    with pytest.raises(ValueError):
        stale_records(d, as_of=dt.date(2026, 12, 4), max_age_days=-1)


def test_every_unverified_fact_is_listed_with_its_sources(tmp_path, docs):
    docs["services"][0]["unverified"] = ["phone", "hours"]
    docs["jurisdictions"][1]["unverified"] = ["emergency"]
    d = load_directory(write(tmp_path, docs))
    listed = [(f.record.kind, f.record.id, f.fact) for f in unverified_facts(d)]
    assert listed == [("service", "helpline", "phone"), ("service", "helpline", "hours"),
                      ("jurisdiction", "OTHER", "emergency"), ("law", "a_law", "in_force")]
    assert all(f.record.sources == ("https://example.org/page",) for f in unverified_facts(d))


def test_the_real_directory_as_of_its_check():
    d = load_directory()
    report = check_freshness(d, as_of=dt.date(2026, 12, 4))
    assert report.max_age_days == DEFAULT_MAX_AGE_DAYS and report.stale == ()
    facts = {(f.record.id, f.fact) for f in report.unverified}
    assert ("ew_s66e_creating", "in_force") in facts and ("pieta", "phone") in facts
    assert len(report.unverified) == sum(len(r.provenance.unverified) for group in (
        d.services, d.platforms, d.jurisdictions, d.laws, d.evidence) for r in group)
    # Six months on, the November records are due first; December's are not yet.
    later = check_freshness(d, as_of=dt.date(2027, 5, 31))
    assert later.stale and {s.record.verified for s in later.stale} == {"2026-11"}
