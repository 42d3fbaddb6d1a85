"""The case log in conversation: one question at a time, every change said back with its
number, a copy with no images, takedown updates in words, and erasure with the rest."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.case_log_chat import (
    ActionCaseLog, ActionCaseLogSave, ValidateCaseLogForm, parse_when, values_for)
from actions.caselog import case_file as case_file_module
from actions.privacy import ActionEraseConversation
from tests.actions.conftest import texts

TODAY = dt.date(2026, 12, 4)


@pytest.fixture
def log_env(outbox_env):
    """A fresh case file beside the fresh outbox (same database and keys)."""
    case_file_module.case_file.cache_clear()
    yield case_file_module.case_file()
    case_file_module.case_file().close()
    case_file_module.case_file.cache_clear()


@pytest.mark.parametrize("said,day", [
    ("today", TODAY), ("yesterday", dt.date(2026, 12, 3)), ("3 days ago", dt.date(2026, 12, 1)),
    ("a week ago", dt.date(2026, 11, 27)), ("3 December", dt.date(2026, 12, 3)),
    ("December 3rd", dt.date(2026, 12, 3)), ("20 dec", dt.date(2025, 12, 20)),
    ("1/12", dt.date(2026, 12, 1)), ("2026-11-30", dt.date(2026, 11, 30)),
    ("whenever", None), ("31 feb", None),
])
def test_days_as_people_say_them(said, day):
    assert parse_when(said, TODAY) == day


def test_answers_become_an_entry_and_skipped_ones_are_left_out():
    values = values_for("place", {"log_link": "https://reddit.com/r/x/1",
                                  "log_platform": "reddit", "log_when": "skip"}, TODAY)
    assert values == {"link": "https://reddit.com/r/x/1", "platform": "reddit"}
    described = values_for("place", {"log_link": "a group chat at school",
                                     "log_platform": "skip", "log_when": "today"}, TODAY)
    assert described == {"description": "a group chat at school", "found_at": TODAY}


async def save(dispatcher, tracker_factory, kind, **answers):
    tracker = tracker_factory({"log_kind": kind, **answers}, sender="log-1")
    return await ActionCaseLogSave().run(dispatcher, tracker, {})


async def ask(dispatcher, tracker_factory, action, text="", **entities):
    tracker = tracker_factory({}, text=text, intent="case_log", sender="log-1",
                              entities={"log_action": action, **entities})
    return await ActionCaseLog().run(dispatcher, tracker, {})


async def test_adding_showing_removing_and_clearing(log_env, dispatcher, tracker_factory):
    await save(dispatcher, tracker_factory, "place", log_link="https://reddit.com/r/x/1",
               log_platform="reddit", log_when="today")
    assert "Added to your log as entry 1" in texts(dispatcher)
    await save(dispatcher, tracker_factory, "report", log_to="reddit", log_when="today",
               log_reference="AB-1234")
    entries = log_env.log.entries("log-1")
    assert entries[1].record.reference == "AB-1234"
    assert entries[1].record.place == 1  # the only Reddit place: its clock starts
    assert entries[0].record.status == "reported"

    await ask(dispatcher, tracker_factory, "show")
    assert "1. Place it's posted · Reddit · https://reddit.com/r/x/1" in texts(dispatcher)
    await ask(dispatcher, tracker_factory, "remove", log_entry=2)
    assert "Removed entry 2." in texts(dispatcher)
    await ask(dispatcher, tracker_factory, "clear")
    assert "can't be undone" in texts(dispatcher)
    assert len(log_env.log.entries("log-1")) == 1  # asked first, nothing cleared yet
    await ask(dispatcher, tracker_factory, "clear_confirmed")
    assert log_env.log.entries("log-1") == []


async def test_an_image_is_never_kept(log_env, dispatcher, tracker_factory):
    result = ValidateCaseLogForm()._checked(
        "log_link", "data:image/png;base64," + "iVBORw0KGgo" * 20, dispatcher)
    assert result == {"log_link": None}
    assert dispatcher.messages[-1]["response"] == "utter_no_images_short"


async def test_a_copy_holds_the_log_and_no_images(log_env, dispatcher, tracker_factory):
    await save(dispatcher, tracker_factory, "place", log_link="https://x.com/a/status/1",
               log_platform="twitter", log_when="yesterday")
    await ask(dispatcher, tracker_factory, "export")
    text = texts(dispatcher)
    assert "https://x.com/a/status/1" in text and "no images" in text.lower()
    assert all("\n\n" not in m.get("text", "") for m in dispatcher.messages)


async def test_takedown_updates_in_words(log_env, dispatcher, tracker_factory):
    await save(dispatcher, tracker_factory, "place", log_link="https://reddit.com/r/x/1",
               log_platform="reddit", log_when="today")
    await ask(dispatcher, tracker_factory, "status", text="the reddit one is gone")
    assert "Updated entry 1: removed." in texts(dispatcher)
    await ask(dispatcher, tracker_factory, "status", text="it's back on reddit")
    assert "re-upload of entry 1" in texts(dispatcher)
    assert log_env.log.entries("log-1")[-1].record.reupload_of == 1


async def test_a_turned_down_report_is_marked_and_taken_further(log_env, dispatcher,
                                                                 tracker_factory):
    await save(dispatcher, tracker_factory, "place", log_link="https://reddit.com/r/x/1",
               log_platform="reddit", log_when="today")
    await ask(dispatcher, tracker_factory, "status", topic="escalate", platform="reddit",
              text="reddit said it doesn't break their rules")
    said = texts(dispatcher)
    assert "Updated entry 1: " in said
    assert log_env.log.entries("log-1")[0].record.status == "refused"
    assert "Revenge Porn Helpline" in said and "reportharmfulcontent.com" in said


async def test_a_turned_down_report_without_a_log_is_taken_further(log_env, dispatcher,
                                                                   tracker_factory):
    await ask(dispatcher, tracker_factory, "status", topic="escalate", platform="meta",
              text="instagram said it doesnt go against their guidelines")
    said = texts(dispatcher)
    assert "Which one do you mean" not in said and "Updated entry" not in said
    assert "Revenge Porn Helpline" in said and "reportharmfulcontent.com" in said
    assert log_env.log.entries("log-1") == []


async def test_a_reminder_is_kept_on_telegram_only(log_env, dispatcher, tracker_factory):
    await save(dispatcher, tracker_factory, "place", log_link="https://reddit.com/r/x/1",
               log_platform="reddit", log_when="today")
    said = "remind me in two days to check the reddit post"
    tracker = tracker_factory({}, text=said, intent="case_log", sender="log-1",
                              entities={"log_action": "remind"}, channel="widget")
    await ActionCaseLog().run(dispatcher, tracker, {})
    assert "only send reminders on Telegram" in texts(dispatcher)
    assert log_env.reminders.pending("log-1") == []
    tracker = tracker_factory({}, text=said, intent="case_log", sender="log-1",
                              entities={"log_action": "remind"}, channel="telegram")
    await ActionCaseLog().run(dispatcher, tracker, {})
    [reminder] = log_env.reminders.pending("log-1")
    assert reminder.text == "check the reddit post" and reminder.entry == 1
    ahead = reminder.due_at - dt.datetime.now(dt.timezone.utc)
    assert dt.timedelta(days=2) - dt.timedelta(minutes=1) < ahead <= dt.timedelta(days=2)
    assert "I'll remind you to check the reddit post on " in texts(dispatcher)
    await ask(dispatcher, tracker_factory, "stop_reminders", text="stop reminders")
    assert log_env.reminders.pending("log-1") == []
    assert "cancelled your reminders" in texts(dispatcher)


async def test_a_reminder_without_a_time_asks_for_one(log_env, dispatcher, tracker_factory):
    tracker = tracker_factory({}, text="remind me to check it", intent="case_log",
                              sender="log-1", entities={"log_action": "remind"},
                              channel="telegram")
    await ActionCaseLog().run(dispatcher, tracker, {})
    assert "When should I remind you?" in texts(dispatcher)
    assert log_env.reminders.pending("log-1") == []


async def test_a_due_reminder_is_said_with_the_entrys_status(log_env, dispatcher,
                                                             tracker_factory):
    from actions.case_log_chat import ActionCaseReminder
    await save(dispatcher, tracker_factory, "place", log_link="https://reddit.com/r/x/1",
               log_platform="reddit", log_when="today")
    tracker = tracker_factory({}, text="", intent="EXTERNAL_case_reminder", sender="log-1",
                              entities={"reminder_text": "check the reddit post",
                                        "log_entry": 1})
    await ActionCaseReminder().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert "You asked me to remind you: check the reddit post." in said
    assert "Entry 1: " in said and "reddit.com/r/x/1" in said


async def test_delete_my_data_erases_the_log(log_env, dispatcher, tracker_factory):
    await save(dispatcher, tracker_factory, "account", log_account="@someone",
               log_platform="instagram")
    await ActionEraseConversation().run(dispatcher, tracker_factory(sender="log-1"), {})
    assert log_env.log.entries("log-1") == []


async def test_a_story_with_a_link_fills_the_log_and_says_so(log_env, dispatcher,
                                                            tracker_factory):
    from actions.answer.action import ActionAnswer
    tracker = tracker_factory({}, intent="tell_story", sender="log-1",
                              text="my ex posted it on reddit.com/r/x/123, he's @night_owl",
                              entities={"happened": "shared", "platform": "reddit"})
    await ActionAnswer().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert "Revenge Porn Helpline" in said                 # the answer comes first
    assert "private log (entry 1, 2)" in said and "remove entry 1" in said
    place, account = log_env.log.entries("log-1")
    assert (place.record.link, place.record.platform) == ("reddit.com/r/x/123", "reddit")
    assert account.record.username == "@night_owl"


@pytest.mark.parametrize("channel", ["telegram", "widget"])
async def test_a_copy_is_a_pdf_for_its_channel_to_fetch_once(log_env, dispatcher,
                                                             tracker_factory, monkeypatch,
                                                             channel):
    monkeypatch.setenv("CASE_DOCUMENT_TOKEN", "a-document-token-for-this-test-only-x9")
    await save(dispatcher, tracker_factory, "place", log_link="https://reddit.com/r/x/1",
               log_platform="reddit", log_when="today")
    tracker = tracker_factory({}, text="get a copy", intent="case_log", sender="log-1",
                              entities={"log_action": "export"}, channel=channel)
    await ActionCaseLog().run(dispatcher, tracker, {})
    custom = [m["custom"]["case_document"] for m in dispatcher.messages if m.get("custom")]
    assert len(custom) == 1 and custom[0]["media_type"] == "application/pdf"
    assert "reddit.com/r/x/1" not in repr(dispatcher.messages[-2:])  # no content in the chat
    document = log_env.documents.take(custom[0]["token"], "log-1")
    assert document.content.startswith(b"%PDF")
    assert log_env.documents.take(custom[0]["token"], "log-1") is None


async def test_as_text_or_without_a_document_channel_the_copy_is_text(log_env, dispatcher,
                                                                      tracker_factory,
                                                                      monkeypatch):
    monkeypatch.setenv("CASE_DOCUMENT_TOKEN", "a-document-token-for-this-test-only-x9")
    await save(dispatcher, tracker_factory, "place", log_link="https://reddit.com/r/x/1",
               log_platform="reddit", log_when="today")
    for text, channel in (("my log as text please", "telegram"), ("get a copy", "rest")):
        dispatcher.messages.clear()
        tracker = tracker_factory({}, text=text, intent="case_log", sender="log-1",
                                  entities={"log_action": "export"}, channel=channel)
        await ActionCaseLog().run(dispatcher, tracker, {})
        assert not any(m.get("custom") for m in dispatcher.messages)
        assert "https://reddit.com/r/x/1" in texts(dispatcher)


async def test_sharing_the_log_with_the_team_and_taking_it_back(log_env, dispatcher,
                                                                tracker_factory):
    await ask(dispatcher, tracker_factory, "share", text="share my log with the team")
    assert "nothing to share yet" in texts(dispatcher)
    assert not log_env.sharing.is_shared("log-1")
    await save(dispatcher, tracker_factory, "place", log_link="https://reddit.com/r/x/1",
               log_platform="reddit", log_when="today")
    await ask(dispatcher, tracker_factory, "share", text="share my log with the team")
    assert log_env.sharing.is_shared("log-1") and "the team can now read your log" in \
        texts(dispatcher)
    await ask(dispatcher, tracker_factory, "unshare", text="stop sharing my log")
    assert not log_env.sharing.is_shared("log-1")
    log_env.sharing.share("log-1")
    log_env.erase("log-1")
    assert not log_env.sharing.is_shared("log-1")


async def test_a_report_the_team_made_shows_as_theirs(log_env, dispatcher, tracker_factory):
    log_env.log.add("log-1", "report", {"to": "Reddit", "reference": "RDT-1",
                                        "made_by": "team"})
    await ask(dispatcher, tracker_factory, "show", text="show my log")
    assert "Reddit" in texts(dispatcher) and "added by the team, for you" in texts(dispatcher)
