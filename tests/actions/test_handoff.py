"""Talk to a person: consent, a safe contact, a note the person approves, then a handoff."""

import pytest

from actions.handoff import (
    ActionAskHandoffConfirmed,
    ActionCancelHandoff,
    ActionSubmitHandoff,
    ValidateHandoffForm,
    clean_email,
    clean_phone,
)
from tests.actions.conftest import texts

READY = {"handoff_consent": True, "handoff_contact_method": "email",
         "handoff_contact_details": "sam@example.org", "handoff_safe_time": "evenings",
         "handoff_summary": "My ex posted fakes on insta", "handoff_confirmed": True,
         "country": "GB-ENG", "age_group": "adult", "routes_offered": ["takedown"]}


@pytest.mark.parametrize("value,ok", [("sam@example.org", True), (" <sam@example.org> ", True),
                                      ("sam@", False), ("not an email", False), ("", False)])
def test_email_validation(value, ok):
    assert bool(clean_email(value)) is ok


@pytest.mark.parametrize("value,ok", [("07700 900123", True), ("+44 7700 900123", True),
                                      ("(555) 010-9999", True), ("123", False),
                                      ("call me maybe", False), ("1" * 30, False)])
def test_phone_validation(value, ok):
    assert bool(clean_phone(value)) is ok


async def test_no_details_are_asked_for_a_reply_in_the_chat(tracker_factory, dispatcher):
    form = ValidateHandoffForm()
    slots = await form.required_slots([], dispatcher,
                                      tracker_factory({"handoff_contact_method": "chat"}), {})
    assert "handoff_contact_details" not in slots


async def test_declining_consent_ends_the_form(tracker_factory, dispatcher):
    slots = await ValidateHandoffForm().required_slots(
        [], dispatcher, tracker_factory({"handoff_consent": False}), {})
    assert slots == []


def test_a_bad_email_is_asked_again_kindly(tracker_factory, dispatcher):
    result = ValidateHandoffForm().validate_handoff_contact_details(
        "nope", dispatcher, tracker_factory({"handoff_contact_method": "email"}), {})
    assert result == {"handoff_contact_details": None}
    assert "doesn't look like an email address" in texts(dispatcher)


def test_an_overlong_note_is_asked_again(tracker_factory, dispatcher):
    result = ValidateHandoffForm().validate_handoff_summary("x" * 1001, dispatcher,
                                                            tracker_factory(), {})
    assert result == {"handoff_summary": None}


async def test_the_person_sees_exactly_what_will_be_sent(tracker_factory, dispatcher):
    await ActionAskHandoffConfirmed().run(dispatcher, tracker_factory(READY), {})
    text = texts(dispatcher)
    assert "My ex posted fakes on insta" in text and "sam@example.org" in text
    assert "evenings" in text


async def test_an_approved_handoff_is_recorded_and_slots_cleared(tracker_factory, dispatcher,
                                                                 outbox_env):
    events = await ActionSubmitHandoff().run(dispatcher, tracker_factory(READY), {})
    [row] = outbox_env.outbox.due()
    assert row.kind == "handoff" and row.payload["consent"] is True
    assert row.payload["handoff"] == {"summary": "My ex posted fakes on insta",
                                      "contact_method": "email",
                                      "contact_details": "sam@example.org",
                                      "safe_time": "evenings"}
    assert "human" in row.payload["routes_offered"]
    cleared = {e["name"] for e in events if e.get("event") == "slot" and e["value"] is None}
    assert "handoff_contact_details" in cleared and "handoff_summary" in cleared
    assert "999" in texts(dispatcher) and "cancel my request" in texts(dispatcher)


@pytest.mark.parametrize("change,response", [
    ({"handoff_consent": False}, "utter_handoff_declined"),
    ({"handoff_confirmed": False}, "utter_handoff_not_sent")])
async def test_nothing_is_sent_without_consent_and_approval(tracker_factory, dispatcher,
                                                            outbox_env, change, response):
    await ActionSubmitHandoff().run(dispatcher, tracker_factory({**READY, **change}), {})
    assert outbox_env.outbox.count() == 0
    assert dispatcher.messages[0]["response"] == response


async def test_a_request_can_be_withdrawn(tracker_factory, dispatcher, outbox_env):
    tracker = tracker_factory({"routes_offered": ["human"]})
    await ActionSubmitHandoff().run(dispatcher, tracker_factory(READY), {})
    await ActionCancelHandoff().run(dispatcher, tracker, {})
    assert outbox_env.outbox.count() == 0  # no backend: the local record is dropped
    assert "cancelled your request" in texts(dispatcher)


async def test_nothing_to_withdraw_is_said_plainly(tracker_factory, dispatcher, outbox_env):
    await ActionCancelHandoff().run(dispatcher, tracker_factory(), {})
    assert "nothing to cancel" in texts(dispatcher)


async def test_a_person_with_a_log_is_asked_once_whether_to_share_it(tracker_factory,
                                                                     dispatcher, outbox_env):
    from actions.caselog import case_file as case_file_module
    case_file_module.case_file.cache_clear()
    try:
        await ActionSubmitHandoff().run(dispatcher, tracker_factory(READY), {})
        assert "You have a log here" not in texts(dispatcher)  # no log, no question
        case_file_module.case_file().log.add("conversation-1", "place",
                                             {"link": "https://reddit.com/r/x/1"})
        dispatcher.messages.clear()
        await ActionSubmitHandoff().run(dispatcher, tracker_factory(READY), {})
        last = dispatcher.messages[-1]
        assert "You have a log here" in last["text"]
        assert [b["title"] for b in last["buttons"]] == ["Share my log with the team",
                                                         "Keep my log private"]
        assert not case_file_module.case_file().sharing.is_shared("conversation-1")
    finally:
        case_file_module.case_file().close()
        case_file_module.case_file.cache_clear()
