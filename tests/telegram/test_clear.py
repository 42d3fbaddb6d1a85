"""/clear: the bot's messages and the person's own go, then the note, then nothing is left."""

from __future__ import annotations

from bot.telegram import wording
from tests.telegram.conftest import CLEAR_NOTE_SECONDS
from tests.telegram.fake_bot_api import joined, wait_until


def test_clear_deletes_the_chat_then_its_own_note(polling):
    chat = polling.new_chat()
    chat.say("/start")
    chat.say("i want to die")
    chat.after(lambda: chat.send_photo())
    sent_before = chat.bot_messages()
    assert len(sent_before) >= 8

    [note] = chat.after(lambda: chat.send("/clear"))
    assert note.text == wording.cleared_note(CLEAR_NOTE_SECONDS)
    everything = chat.all_messages()
    # Every message of the conversation is gone: the bot's, the person's (the photo and
    # the /clear command included); only the note is left, and it goes by itself.
    assert [m for m in everything if not m.deleted] == [note]
    wait_until(lambda: note.deleted, timeout=CLEAR_NOTE_SECONDS + 10,
               message="the note to delete itself")
    assert not [m for m in chat.all_messages() if not m.deleted]
    assert len(polling.bot.calls_to("deleteMessages", chat.id)) >= 1


def test_buttons_of_a_cleared_chat_have_expired(polling):
    chat = polling.new_chat()
    [welcome] = [m for m in chat.after(lambda: chat.send("/start")) if m.buttons]
    chat.after(lambda: chat.send("/clear"))
    data = welcome.buttons[0]["callback_data"]
    assert joined(chat.after(lambda: chat.press_data(welcome, data))) == wording.EXPIRED_BUTTON


def test_the_conversation_carries_on_after_clear(polling):
    chat = polling.new_chat()
    chat.say("/start")
    chat.after(lambda: chat.send("/clear"))
    assert "choose one of these" in chat.say("/help")
