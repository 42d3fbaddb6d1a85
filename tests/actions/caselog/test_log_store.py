"""The case log on SQLite and on PostgreSQL: numbered entries, changed, removed, cleared,
erased and purged; encrypted at rest; numbers never given twice."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from actions.caselog.entries import Account, Place, PoliceContact, Report, Threat
from actions.caselog.field_rules import FieldError
from actions.caselog.log_store import CaseLog, EntryNotFound, LogFull
from actions.caselog.tables import case_entries, case_numbers
from tests.actions.caselog.conftest import NOW

ME = "telegram-5550001"
SOMEONE_ELSE = "widget-7f3a"


def add_one_of_each(log: CaseLog, conversation: str = ME) -> None:
    log.add(conversation, "place", {"link": "https://reddit.com/r/x/comments/1",
                                    "platform": "reddit", "found_at": "2026-12-01"}, now=NOW)
    log.add(conversation, "threat", {"at": NOW - dt.timedelta(days=2), "account": "@rex",
                                     "platform": "meta", "demand": "£500 by Friday"}, now=NOW)
    log.add(conversation, "account", {"username": "@rex", "platform": "meta",
                                      "profile_link": "instagram.com/rex"}, now=NOW)
    log.add(conversation, "report", {"to": "Reddit", "platform": "reddit", "place": 1,
                                     "at": NOW - dt.timedelta(hours=3),
                                     "reference": "RD-1234"}, now=NOW)
    log.add(conversation, "police", {"force": "Metropolitan Police",
                                     "crime_reference": "CR/0012345/26",
                                     "officer": "PC Smith"}, now=NOW)


def test_entries_of_five_kinds_are_numbered_in_order(case_file):
    log = case_file.log
    add_one_of_each(log)
    entries = log.entries(ME)
    assert [(e.number, e.kind) for e in entries] == [
        (1, "place"), (2, "threat"), (3, "account"), (4, "report"), (5, "police")]
    # A report about a place that was not reported makes it reported.
    assert entries[0].record == Place(link="https://reddit.com/r/x/comments/1",
                                      platform="reddit", found_at=dt.date(2026, 12, 1),
                                      status="reported")
    assert entries[1].record == Threat(at=NOW - dt.timedelta(days=2), account="@rex",
                                       platform="meta", demand="£500 by Friday")
    assert entries[2].record == Account(username="@rex", profile_link="instagram.com/rex",
                                        platform="meta")
    assert entries[3].record == Report(to="Reddit", platform="reddit", place=1,
                                       at=NOW - dt.timedelta(hours=3), reference="RD-1234")
    assert entries[4].record == PoliceContact(force="Metropolitan Police",
                                              crime_reference="CR/0012345/26",
                                              officer="PC Smith")
    assert entries[0].created_at == entries[0].updated_at == NOW
    assert log.entries(SOMEONE_ELSE) == []


def test_a_change_touches_one_field_of_one_entry(case_file):
    log = case_file.log
    add_one_of_each(log)
    later = NOW + dt.timedelta(hours=1)
    changed = log.change(ME, 4, "reference", "RD-9999", now=later)
    assert changed.record.reference == "RD-9999" and changed.updated_at == later
    assert log.entry(ME, 4).record == Report(to="Reddit", platform="reddit", place=1,
                                             at=NOW - dt.timedelta(hours=3),
                                             reference="RD-9999")
    assert log.change(ME, 1, "status", "removed").record.status == "removed"
    assert log.change(ME, 5, "officer", None).record.officer is None
    with pytest.raises(FieldError):
        log.change(ME, 2, "platform", "myspace")
    with pytest.raises(FieldError):
        log.change(ME, 3, "demand", "not a field of an account")
    with pytest.raises(EntryNotFound):
        log.change(ME, 9, "reference", "X")
    with pytest.raises(EntryNotFound):
        log.change(SOMEONE_ELSE, 4, "reference", "X")  # not their entry


def test_numbers_are_stable_and_never_given_twice(case_file):
    log = case_file.log
    add_one_of_each(log)
    assert log.remove(ME, 3).kind == "account"
    assert [e.number for e in log.entries(ME)] == [1, 2, 4, 5]
    log.remove(ME, 5)
    assert log.add(ME, "account", {"username": "@other"}).number == 6
    assert log.clear(ME) == 4
    assert log.entries(ME) == []
    assert log.add(ME, "account", {"username": "@after-clear"}).number == 7
    with pytest.raises(EntryNotFound):
        log.remove(ME, 3)
    # Erasure forgets the numbering too.
    assert log.erase(ME) == 1
    assert log.add(ME, "account", {"username": "@new-start"}).number == 1


def test_references_name_a_place_of_the_same_log_and_go_with_it(case_file):
    log = case_file.log
    add_one_of_each(log)
    add_one_of_each(log, SOMEONE_ELSE)
    for values in ({"to": "Meta", "place": 2}, {"to": "Meta", "place": 40}):
        with pytest.raises(FieldError) as error:
            log.add(ME, "report", values)
        assert error.value.reason == "no_such_place"
    again = log.add(ME, "place", {"link": "reddit.com/r/y", "platform": "reddit",
                                  "reupload_of": 1})
    assert again.record.reupload_of == 1 and again.record.status == "not_reported"
    with pytest.raises(FieldError):
        log.change(ME, 6, "reupload_of", 6)  # not itself
    log.remove(ME, 1)
    assert log.entry(ME, 4).record.place is None
    assert log.entry(ME, 6).record.reupload_of is None
    assert log.entry(ME, 4).record.reference == "RD-1234"
    assert log.entry(SOMEONE_ELSE, 4).record.place == 1  # another log is untouched


def test_a_report_moved_to_a_place_marks_it_reported(case_file):
    log = case_file.log
    log.add(ME, "place", {"description": "a forum thread", "status": "not_reported"})
    log.add(ME, "place", {"description": "a second site", "status": "removed"})
    log.add(ME, "report", {"to": "the site's moderators"})
    log.change(ME, 3, "place", 1)
    assert log.entry(ME, 1).record.status == "reported"
    log.change(ME, 3, "place", 2)
    assert log.entry(ME, 2).record.status == "removed"  # a known outcome stays


def test_the_log_is_encrypted_at_rest(case_file):
    log = case_file.log
    add_one_of_each(log)
    with log.engine.connect() as conn:
        rows = conn.execute(sa.select(case_entries)).all() + \
            conn.execute(sa.select(case_numbers)).all()
    stored = repr(rows)
    for secret in (ME, "reddit.com", "@rex", "£500", "RD-1234", "CR/0012345/26", "PC Smith",
                   "Metropolitan", "place", "threat", "police"):
        assert secret not in stored


def test_a_log_has_a_bound(case_file):
    log = CaseLog(case_file.log.engine, case_file.log.cipher, {"reddit"}, max_entries=3)
    for i in range(3):
        log.add(ME, "account", {"username": f"@a{i}"})
    with pytest.raises(LogFull):
        log.add(ME, "account", {"username": "@one-too-many"})
    log.remove(ME, 1)
    assert log.add(ME, "account", {"username": "@fits-again"}).number == 4


def test_a_log_unchanged_for_the_retention_period_goes_whole(case_file):
    log = case_file.log
    old = NOW - dt.timedelta(days=100)
    add_one_of_each(log, "old-conversation")  # made at NOW, then backdated below
    with log.engine.begin() as conn:
        conn.execute(case_entries.update().values(created_at=old.timestamp(),
                                                  updated_at=old.timestamp()))
        conn.execute(case_numbers.update().values(updated_at=old.timestamp()))
    log.add("ongoing", "place", {"description": "a site"}, now=old)
    log.add("ongoing", "report", {"to": "the site", "place": 1}, now=NOW)
    assert log.purge_older_than(90, now=NOW) == 5
    assert log.entries("old-conversation") == []
    # A log still in use keeps its oldest entries: half a log is no evidence.
    assert [e.number for e in log.entries("ongoing")] == [1, 2]
    assert log.purge_older_than(90, now=NOW + dt.timedelta(days=91)) == 2


def test_replicas_writing_at_once_never_share_a_number(open_case_file):
    logs = [open_case_file().log for _ in range(3)]
    errors = []

    def write(log: CaseLog, n: int) -> None:
        try:
            for i in range(8):
                log.add(ME, "account", {"username": f"@replica{n}-{i}"})
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(log, n)) for n, log in enumerate(logs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    entries = logs[0].entries(ME)
    assert [e.number for e in entries] == list(range(1, 25))
    assert len({e.record.username for e in entries}) == 24


def test_a_restart_keeps_the_log(open_case_file):
    first = open_case_file()
    add_one_of_each(first.log)
    before = first.log.entries(ME)
    first.close()
    assert open_case_file().log.entries(ME) == before
