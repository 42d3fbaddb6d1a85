"""The triage form asks only what the chosen help needs, and nothing already known."""

import pytest

from actions.triage import ValidateTriageForm, required_for


@pytest.mark.parametrize("journey,expected", [
    ("evidence", ["age_group"]),
    ("takedown", ["platforms", "age_group", "country"]),
    ("law", ["country"]),
    ("support", ["age_group", "country", "perpetrator"]),
    ("sextortion", ["age_group", "country"]),
])
def test_each_journey_asks_what_it_needs(tracker_factory, journey, expected):
    assert required_for(journey, tracker_factory({"journey": journey})) == expected


def test_volunteered_answers_are_not_asked_again(tracker_factory):
    tracker = tracker_factory({"journey": "takedown", "platforms": ["meta"], "country": "GB-SCT"})
    assert required_for("takedown", tracker) == ["age_group"]


def test_unknown_counts_as_answered(tracker_factory):
    tracker = tracker_factory({"age_group": "unknown", "country": "unknown"})
    assert required_for("sextortion", tracker) == []


def test_support_for_under_18s_asks_who_is_affected(tracker_factory):
    tracker = tracker_factory({"age_group": "under_18"})
    assert required_for("support", tracker) == ["role", "country", "perpetrator"]


async def test_form_validation_uses_the_journey(tracker_factory, dispatcher):
    tracker = tracker_factory({"journey": "law"})
    slots = await ValidateTriageForm().required_slots([], dispatcher, tracker, {})
    assert slots == ["country"]
