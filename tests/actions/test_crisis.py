"""The safety action: crisis lines or emergency numbers first, forms closed, flags logged,
and whatever else the person said still answered."""

from actions.crisis import ActionSafetyResponse
from tests.actions.conftest import texts


async def run(tracker, dispatcher):
    return await ActionSafetyResponse().run(dispatcher, tracker, {})


async def test_crisis_gets_uk_crisis_lines_by_default(tracker_factory, dispatcher, outbox_env):
    await run(tracker_factory(text="i want to die", intent="crisis_self_harm",
                              flags=["crisis"]), dispatcher)
    text = texts(dispatcher)
    assert "116 123" in text and "85258" in text and "999" in text


async def test_crisis_lines_follow_the_country(tracker_factory, dispatcher, outbox_env):
    await run(tracker_factory({"country": "AU"}, intent="crisis_self_harm", flags=["crisis"]),
              dispatcher)
    text = texts(dispatcher)
    assert "13 11 14" in text and "000" in text and "116 123" not in text


async def test_under_18s_also_get_childline(tracker_factory, dispatcher, outbox_env):
    await run(tracker_factory({"age_group": "under_18"}, intent="crisis_self_harm",
                              flags=["crisis"]), dispatcher)
    assert "0800 1111" in texts(dispatcher)


async def test_danger_leads_with_the_emergency_number(tracker_factory, dispatcher, outbox_env):
    await run(tracker_factory({"country": "GB-NIR"}, intent="immediate_danger",
                              flags=["danger"]), dispatcher)
    first = dispatcher.messages[0]["text"]
    assert first.startswith("If you are in danger right now, please call 999")
    assert "press 55" in texts(dispatcher)


async def test_not_safe_after_the_welcome_counts_as_danger(tracker_factory, dispatcher,
                                                           outbox_env):
    await run(tracker_factory(text="no", intent="deny"), dispatcher)
    assert "If you are in danger right now" in texts(dispatcher)


async def test_an_open_form_is_closed_and_can_be_resumed(tracker_factory, dispatcher,
                                                         outbox_env):
    events = await run(tracker_factory({"requested_slot": "handoff_safe_time"},
                                       intent="crisis_self_harm", flags=["crisis"],
                                       active_loop="handoff_form"), dispatcher)
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events]
    buttons = dispatcher.messages[-1]["buttons"]
    assert buttons == [{"title": "Talk to a person", "payload": "/request_human"}]


async def test_after_an_answer_the_person_can_carry_on(tracker_factory, dispatcher,
                                                       outbox_env):
    await run(tracker_factory({"topic": "takedown"}, intent="crisis_self_harm",
                              flags=["crisis"]), dispatcher)
    buttons = dispatcher.messages[-1]["buttons"]
    assert {"title": "Carry on where we were", "payload": "/affirm"} in buttons


async def test_the_rest_of_the_message_is_still_answered(tracker_factory, dispatcher,
                                                         outbox_env):
    await run(tracker_factory(
        text="i want to die, my ex posted my nudes on insta", intent="crisis_self_harm",
        flags=["crisis"], entities={"happened": "shared", "platform": "meta"},
        ranking=[{"name": "crisis_self_harm", "confidence": 1.0},
                 {"name": "tell_story", "confidence": 0.6}]), dispatcher)
    text = texts(dispatcher)
    assert text.index("116 123") < text.index("Revenge Porn Helpline")
    assert len(dispatcher.messages) <= 3


async def test_a_question_asked_with_crisis_language_is_answered(tracker_factory, dispatcher,
                                                                 outbox_env):
    await run(tracker_factory(
        text="i can't go on, how do i get them taken down", intent="crisis_self_harm",
        flags=["crisis"], entities={"topic": "takedown"}), dispatcher)
    text = texts(dispatcher)
    assert "116 123" in text and "Report" in text
    assert len(dispatcher.messages) <= 3


async def test_risk_flags_are_recorded_without_text(tracker_factory, dispatcher, outbox_env):
    events = await run(tracker_factory(text="he is outside, i want to die",
                                       intent="immediate_danger", flags=["danger", "crisis"]),
                       dispatcher)
    flags = next(e["value"] for e in events if e.get("name") == "risk_flags")
    assert flags == ["crisis", "immediate_danger"]
    [row] = outbox_env.outbox.due()
    assert row.payload["risk_flags"] == ["crisis", "immediate_danger"]
    assert "outside" not in str(row.payload)


async def test_panic_gets_a_moment_of_calm_before_the_number(tracker_factory, dispatcher,
                                                             outbox_env):
    await run(tracker_factory(text="i cant breathe properly everything is spinning",
                              intent="immediate_danger", flags=[],
                              entities={"panic": "said"}), dispatcher)
    first = dispatcher.messages[0]["text"]
    assert first.startswith("That sounds really frightening") and "breathe out" in first
    assert "999" in first


async def test_someone_hurting_them_gets_the_number_first_never_breathing_advice(
        tracker_factory, dispatcher, outbox_env):
    await run(tracker_factory(text="he is choking me i cant breathe",
                              intent="immediate_danger", flags=["danger"],
                              entities={"panic": "said"}), dispatcher)
    first = dispatcher.messages[0]["text"]
    assert first.startswith("If you are in danger right now") and "breathe out" not in first
