"""Conversations through the polling gateway, the real Rasa server, actions and backend."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from bot.telegram import wording
from tests.telegram.fake_bot_api import joined, wait_until
from tests.telegram.http import post


def test_start_gets_the_welcome_with_inline_buttons(polling):
    chat = polling.new_chat()
    replies = chat.after(lambda: chat.send("/start"))
    text = joined(replies)
    assert "not a person" in text
    assert "/clear" in text and "auto-delete timer" in text  # the Telegram welcome
    titles = [b["text"] for b in replies[-1].buttons]
    assert "I'm safe right now" in titles and "What to keep as evidence" in titles
    assert all(b["callback_data"].startswith("b.") for b in replies[-1].buttons)
    for call in polling.bot.calls_to("sendMessage", chat.id):
        assert call.params["parse_mode"] == "HTML"
        assert call.params["link_preview_options"] == {"is_disabled": True}
    assert polling.bot.calls_to("sendChatAction", chat.id)  # "typing..." while Rasa works


def test_pressing_buttons_continues_the_conversation(polling):
    chat = polling.new_chat()
    welcome = chat.after(lambda: chat.send("/start"))
    evidence = joined(chat.after(lambda: chat.press("What to keep as evidence")))
    assert "Copy the full web address" in evidence
    assert polling.bot.calls_to("answerCallbackQuery")
    # The pressed keyboard is gone, so it cannot be pressed twice by mistake.
    assert [m for m in chat.visible() if m.message_id == welcome[-1].message_id][0].buttons == []
    question = joined(chat.after(lambda: chat.send("someone posted my nudes")))
    assert "are you under 18?" in question
    # A payload with an entity, '/inform{"age_group": "under_18"}', behind a short token.
    answer = joined(chat.after(lambda: chat.press("Under 18")))
    assert "Report Remove" in answer and "StopNCII" not in answer


def test_a_crisis_message_gets_crisis_lines(polling):
    chat = polling.new_chat()
    text = chat.say("i honestly just want to die")
    assert "116 123" in text and "85258" in text  # Samaritans and Shout, from the directory
    assert "call 999" in text


def test_a_photo_gets_the_kind_reply_and_is_never_downloaded(polling):
    chat = polling.new_chat()
    text = joined(chat.after(lambda: chat.send_photo()))
    assert "don't send me any images" in text and "nothing you send is downloaded" in text
    assert not polling.bot.calls_to("getFile")


def test_a_photo_caption_is_read_first(polling):
    chat = polling.new_chat()
    replies = chat.after(lambda: chat.send_photo(caption="i want to end my life"))
    texts = [m.text for m in replies]
    crisis = next(i for i, t in enumerate(texts) if "116 123" in t)
    images = next(i for i, t in enumerate(texts) if "don't send me any images" in t)
    assert crisis < images


@pytest.mark.parametrize("kind", ["video", "voice", "audio", "video_note", "sticker",
                                  "animation", "document"])
def test_other_media_gets_the_same_reply(polling, kind):
    file = {"file_id": "BQACAgQAAx", "file_unique_id": "AgAD", "width": 1, "height": 1,
            "duration": 1, "length": 1, "type": "regular", "is_animated": False,
            "is_video": False}
    content = {kind: file}
    if kind == "animation":
        content["document"] = file
    chat = polling.new_chat()
    text = joined(chat.after(lambda: chat.send_message(content)))
    assert "don't send me any images" in text


def test_delete_leads_to_erasure(polling, servers):
    chat = polling.new_chat()
    chat.say("someone shared my nudes")
    conversation = polling.ids.for_chat(chat.id)
    tracker = sqlite3.connect(servers.var / "rasa-tracker.db")
    count = "SELECT COUNT(*) FROM events WHERE sender_id = ?"
    assert tracker.execute(count, (conversation,)).fetchone()[0] > 0
    # Rasa only ever saw the encrypted id.
    assert tracker.execute(count, (str(chat.id),)).fetchone()[0] == 0
    confirm = joined(chat.after(lambda: chat.send("/delete")))
    assert "Shall I delete it?" in confirm
    done = joined(chat.after(lambda: chat.press("Yes, delete everything")))
    assert "deleted this conversation" in done
    assert tracker.execute(count, (conversation,)).fetchone()[0] == 0


def test_help_shows_what_the_assistant_can_do(polling):
    chat = polling.new_chat()
    assert "I can help you keep evidence safely" in chat.say("/help")


def test_a_duplicate_update_is_dropped(polling):
    chat = polling.new_chat()
    replies = chat.after(lambda: chat.send("/start", times=2))
    assert sum("Are you safe right now?" in m.text for m in replies) == 1


def test_chats_in_parallel_keep_their_own_replies_in_order(polling):
    # Half the chats say they live in Australia first. Each sends everything at once; if
    # a chat's messages were reordered, or replies crossed chats, the numbers would be wrong.
    chats = [polling.new_chat() for _ in range(6)]
    australian = {chat.id for chat in chats[::2]}
    script = ["/start", "he's outside my house right now", "/help"]

    def talk(chat) -> None:
        for text in (["I live in Australia"] if chat.id in australian else []) + script:
            chat.send(text)

    threads = [threading.Thread(target=talk, args=(chat,)) for chat in chats]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    menu_text = "I can help you keep evidence safely"  # the /help reply, said last

    def finished(chat) -> list[str] | None:
        texts = [m.text for m in chat.bot_messages()]
        return texts if any(menu_text in t for t in texts) else None

    for chat in chats:
        texts = wait_until(lambda: finished(chat), timeout=120,  # noqa: B023 - called at once
                           message="every chat's last reply")
        number = "000" if chat.id in australian else "999"
        welcome = [i for i, t in enumerate(texts) if "Are you safe right now?" in t]
        danger = [i for i, t in enumerate(texts) if t.startswith("If you are in danger")]
        menu = [i for i, t in enumerate(texts) if menu_text in t]
        assert len(welcome) == len(danger) == len(menu) == 1, texts
        assert welcome[0] < danger[0] < menu[0]
        assert f"call {number}" in texts[welcome[0]]
        assert texts[danger[0]].startswith(f"If you are in danger right now, please call {number}")


def test_a_flood_is_bounded_and_told_once_to_slow_down(polling):
    chat = polling.new_chat()
    replies = chat.after(lambda: chat.send_burst([f"hello {n}" for n in range(30)]),
                         quiet=3.0, timeout=120)
    assert sum(m.text == wording.BUSY for m in replies) == 1
    assert "I can help you keep evidence safely" in chat.say("/help")  # and the chat carries on


def test_telegrams_429_retry_after_is_honoured(polling):
    chat = polling.new_chat()
    polling.bot.fail_next("sendMessage", times=1, retry_after=2)
    text = chat.say("/help")
    assert "I can help you keep evidence safely" in text
    calls = polling.bot.calls_to("sendMessage", chat.id)
    assert calls[1].at - calls[0].at >= 2.0  # the refused one, then its retry
    assert len(chat.bot_messages()) == len(calls) - 1  # nothing lost, nothing doubled


@pytest.mark.parametrize("message, expected", [
    ("\x00\x01\x02", wording.EMPTY),
    ("/", wording.EMPTY),
    ("a" * 4001, wording.TOO_LONG),
])
def test_bad_input_gets_a_kind_reply(polling, message, expected):
    chat = polling.new_chat()
    assert chat.say(message) == expected


@pytest.mark.parametrize("message", [
    "hello\x00 there", "<script>alert('x')</script> & <b>", "'; DROP TABLE events; --",
    "\u202eevil\u202c", "😭" * 1000, '/inform_country{"country": "AU"}',
])
def test_hostile_input_gets_a_reply_and_never_breaks_the_gateway(polling, message):
    chat = polling.new_chat()
    assert chat.say(message)
    assert "something went wrong" not in chat.say("hi")


@pytest.mark.parametrize("data", ["b.AAAAAAAA.0", "nonsense", "/affirm", "b." + "x" * 61])
def test_unknown_button_data_gets_a_kind_reply(polling, data):
    chat = polling.new_chat()
    [welcome] = [m for m in chat.after(lambda: chat.send("/start")) if m.buttons]
    assert joined(chat.after(lambda: chat.press_data(welcome, data))) == wording.EXPIRED_BUTTON


def test_another_chats_button_does_not_work_here(polling):
    alice, mallory = polling.new_chat(), polling.new_chat()
    [welcome] = [m for m in alice.after(lambda: alice.send("/start")) if m.buttons]
    [own] = [m for m in mallory.after(lambda: mallory.send("/start")) if m.buttons]
    # A modified client can put any callback data on a press of its own message.
    stolen = welcome.buttons[2]["callback_data"]
    assert joined(mallory.after(lambda: mallory.press_data(own, stolen))) == \
        wording.EXPIRED_BUTTON
    assert "Here's what to keep" in joined(
        alice.after(lambda: alice.press("What to keep as evidence")))


def test_a_double_tap_sends_the_choice_once(polling):
    chat = polling.new_chat()
    [welcome] = [m for m in chat.after(lambda: chat.send("/start")) if m.buttons]
    data = welcome.buttons[2]["callback_data"]

    def double_tap() -> None:
        chat.press_data(welcome, data)
        chat.press_data(welcome, data)

    replies = chat.after(double_tap)
    assert sum("Here's what to keep" in m.text for m in replies) == 1


def test_contacts_and_locations_are_not_kept(polling):
    chat = polling.new_chat()
    reply = chat.after(lambda: chat.send_message(
        {"contact": {"phone_number": "+447700900123", "first_name": "Sam"}}))
    assert joined(reply) == wording.UNSUPPORTED
    reply = chat.after(lambda: chat.send_message(
        {"location": {"latitude": 51.5, "longitude": -0.1}}))
    assert joined(reply) == wording.UNSUPPORTED


def test_a_message_nothing_else_reads_gets_a_kind_word_not_silence(polling):
    chat = polling.new_chat()
    # Text with nothing in it (filters.TEXT wants some), found by the bad-input corpus.
    assert joined(chat.after(lambda: chat.send_message({"text": ""}))) == wording.EMPTY
    # A kind of content Telegram added after this gateway was written.
    assert joined(chat.after(lambda: chat.send_message(
        {"future_content": {"id": 1}}))) == wording.UNSUPPORTED
    # Service messages are not something the person said: no reply.
    chat.send_message({"message_auto_delete_timer_changed": {"message_auto_delete_time": 60}})
    time.sleep(3)
    assert len(polling.bot.calls_to("sendMessage", chat.id)) == 2


def test_group_chats_are_not_served(polling):
    group = polling.new_chat()
    polling.bot.message_id_for(-group.id)  # the group exists on Telegram
    polling.bot.deliver({"update_id": polling.bot.next_update_id(), "message": {
        "message_id": 1, "date": int(time.time()), "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        "chat": {"id": -group.id, "type": "group", "title": "friends"},
        "from": {"id": group.id, "is_bot": False, "first_name": "Person"}}})
    time.sleep(3)
    assert not polling.bot.calls_to("sendMessage", -group.id)


def test_while_staff_have_taken_over_the_assistant_is_quiet_except_for_a_crisis(
        polling, servers):
    chat = polling.new_chat()
    chat.say("/start")
    conversation = polling.ids.for_chat(chat.id)
    status, _ = post(f"{servers.rasa}/conversations/{conversation}/tracker/events",
                     {"event": "slot", "name": "human_takeover", "value": True},
                     {"Authorization": f"Bearer {servers.env['RASA_TOKEN']}"})
    assert status == 200
    before = len(chat.bot_messages())
    chat.send("thank you for joining")
    time.sleep(3)
    assert len(chat.bot_messages()) == before  # quiet, and no apology either: not a failure
    text = chat.say("i want to kill myself")
    assert "116 123" in text
    # A request to delete data is never held back by a takeover: it is asked to confirm.
    assert "Shall I delete it?" in chat.say("/delete")


def test_logs_carry_no_text_chat_ids_contacts_or_tokens(polling):
    # Last in this file, so the log holds every conversation above as well.
    chat = polling.new_chat()
    chat.say("my email is sam.private@example.org and i want to die")
    chat.after(lambda: chat.send_photo(caption="caption-words-here"))
    post(f"{polling.url}/internal/v1/messages",
         {"conversation_id": polling.ids.for_chat(chat.id), "text": "Sam (advisor): hello"},
         {"Authorization": f"Bearer {polling.env['TELEGRAM_INTERNAL_TOKEN']}"})
    chat.after(lambda: chat.send("/clear"))
    log = polling.log()
    assert "chat cleared" in log and "media received" in log  # the log is there
    token = polling.env["TELEGRAM_BOT_TOKEN"]
    secrets = {"sam.private", "example.org", "caption-words", "Sam (advisor)", token,
               token.split(":")[1], polling.env["TELEGRAM_INTERNAL_TOKEN"]}
    with polling.bot.lock:
        people = [m for m in polling.bot.messages.values() if not m.from_bot]
    secrets |= {str(m.chat_id) for m in people}
    secrets |= {polling.ids.for_chat(m.chat_id) for m in people}
    secrets |= {m.text for m in people if len(m.text) >= 12}
    assert len(secrets) > 50
    assert [s for s in secrets if s in log] == []
