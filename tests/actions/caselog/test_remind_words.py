"""Reminders as people ask for them: when, and about what."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.caselog.remind_words import parse_request, when_in_words

NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.timezone.utc)  # a Saturday


@pytest.mark.parametrize("said,ahead,text", [
    ("remind me in two days to check the reddit post", dt.timedelta(days=2),
     "check the reddit post"),
    ("remind me in 3 hours", dt.timedelta(hours=3), None),
    ("remind me tomorrow about the police", dt.timedelta(days=1), "the police"),
    ("set a reminder next week to check x", dt.timedelta(weeks=1), "check x"),
    ("remind me on monday to call the helpline", dt.timedelta(days=2), "call the helpline"),
    ("remind me on saturday", dt.timedelta(days=7), None),
    ("remind me in a couple of days", dt.timedelta(days=2), None),
    ("remind me in 20 minutes to breathe", dt.timedelta(minutes=20), "breathe"),
])
def test_when_and_what(said, ahead, text):
    request = parse_request(said, NOW)
    assert request.due_at == NOW + ahead and request.text == text


def test_no_time_is_no_time():
    assert parse_request("remind me to check it", NOW).due_at is None


def test_said_back_in_words():
    assert when_in_words(NOW + dt.timedelta(days=2), NOW) == "on Monday 7 December at 10:00 (UTC)"
    assert when_in_words(NOW + dt.timedelta(minutes=20), NOW) == "in 20 minutes"
