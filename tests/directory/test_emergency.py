"""The emergency number and crisis lines every process falls back on."""

from __future__ import annotations

import pytest

from bot.directory import Person, load_directory
from bot.directory import emergency
from bot.directory.describe import UNVERIFIED


@pytest.fixture(scope="module")
def d():
    return load_directory()


def test_a_confirmed_number_is_given_plainly(d):
    assert emergency.emergency_number(d, "NZ") == "111"
    assert emergency.emergency_number(d, "ZA") == "10111"


def test_an_unconfirmed_number_sends_people_to_their_local_one(d):
    for code in ("IN", "KE", "OTHER"):
        text = emergency.emergency_number(d, code)
        assert text.startswith("your local emergency number") and UNVERIFIED in text, code


def test_crisis_lines_for_the_new_places(d):
    assert [s.id for s in emergency.crisis_lines(d, Person(country="NZ", age=15))] == [
        "need_to_talk_1737", "youthline"]
    assert [s.id for s in emergency.crisis_lines(d, Person(country="ZA"))] == ["sadag_suicide_line"]
    assert [s.id for s in emergency.crisis_lines(d, Person(country="PK", age=30))] == [
        "drf_helpline"]


def test_the_outage_reply_is_never_empty_where_no_crisis_line_is_confirmed(d):
    text = emergency.outage_text(d, "Sorry, something went wrong.", Person(country="NG"))
    assert emergency.NO_CRISIS_LINE in text
    assert "these are free and confidential:" not in text
    uk = emergency.outage_text(d, "Sorry.", Person(country="GB-ENG"))
    assert "116 123" in uk and emergency.NO_CRISIS_LINE not in uk
