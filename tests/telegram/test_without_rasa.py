"""A gateway whose Rasa is down: never silence, and /clear still works and tells the backend."""

from __future__ import annotations

from tests.telegram.fake_bot_api import joined, wait_until


def test_rasa_down_gets_a_gentle_message_with_crisis_lines(alone):
    chat = alone.new_chat()
    text = joined(chat.after(lambda: chat.send("hi, is anyone there?")))
    assert text.startswith("I'm sorry, something went wrong on my side")
    # From the directory, as the assistant's own crisis reply: 999, Samaritans and Shout.
    assert "call 999" in text and "116 123" in text and "85258" in text


def test_a_photo_without_rasa_still_gets_a_reply_and_is_never_downloaded(alone):
    chat = alone.new_chat()
    assert chat.after(lambda: chat.send_photo())  # the no_violations fixture checks getFile


def test_clear_tells_the_backend_the_person_left(alone, recording_backend):
    chat = alone.new_chat()
    chat.after(lambda: chat.send("hello"))
    chat.after(lambda: chat.send("/clear"))
    conversation = alone.ids.for_chat(chat.id)
    calls = wait_until(lambda: [c for c in recording_backend.left_calls()
                                if c["conversation_id"] == conversation],
                       message="the backend to be told")
    assert calls[0]["authorization"] == f"Bearer {alone.env['BACKEND_GATEWAY_TOKEN']}"
    assert str(chat.id) not in repr(recording_backend.left_calls())  # never the chat id


def test_delete_tells_the_backend_too_and_never_blocks_on_it(alone, recording_backend):
    chat = alone.new_chat()
    text = joined(chat.after(lambda: chat.send("/delete")))
    assert text.startswith("I'm sorry")  # Rasa is down: the apology, not silence
    conversation = alone.ids.for_chat(chat.id)
    wait_until(lambda: [c for c in recording_backend.left_calls()
                        if c["conversation_id"] == conversation],
               message="the backend to be told")
