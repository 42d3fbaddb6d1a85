"""The internal API the backend uses to deliver a staff member's message (live takeover)."""

from __future__ import annotations

import os

import pytest

from bot.telegram.ids import ConversationIds
from tests.telegram.http import post


def send(gateway, body, token: str | None = None):
    token = gateway.env["TELEGRAM_INTERNAL_TOKEN"] if token is None else token
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return post(f"{gateway.url}/internal/v1/messages", body, headers)


@pytest.fixture
def chat(polling):
    chat = polling.new_chat()
    chat.say("/start")
    return chat


def test_a_staff_message_is_delivered_exactly_as_written(polling, chat):
    text = "Sam (advisor): Hi, I'm here now. <b>Nothing</b> you say & do is judged :)"
    before = len(chat.bot_messages())
    status, body = send(polling, {"conversation_id": polling.ids.for_chat(chat.id),
                                  "text": text})
    assert (status, body) == (202, {"status": "sent"})
    [message] = chat.bot_messages()[before:]
    assert message.text == text and message.buttons == []


def test_staff_messages_are_cleared_by_clear(polling, chat):
    send(polling, {"conversation_id": polling.ids.for_chat(chat.id), "text": "Sam: hello"})
    staff = chat.bot_messages()[-1]
    chat.after(lambda: chat.send("/clear"))
    assert staff.deleted


@pytest.mark.parametrize("token", ["", "wrong", "x" * 43])
def test_without_the_token_it_is_401(polling, chat, token):
    status, _ = send(polling, {"conversation_id": polling.ids.for_chat(chat.id),
                               "text": "hi"}, token=token)
    assert status == 401


def test_other_authorization_schemes_are_401(polling, chat):
    token = polling.env["TELEGRAM_INTERNAL_TOKEN"]
    for header in (f"Basic {token}", token, f"bearer{token}"):
        status, _ = post(f"{polling.url}/internal/v1/messages",
                         {"conversation_id": polling.ids.for_chat(chat.id), "text": "hi"},
                         {"Authorization": header})
        assert status == 401


@pytest.mark.parametrize("body", [
    b"{not json", b"[]", b"null", b'{"conversation_id": "tg-x"}', b'{"text": "hi"}',
    b'{"conversation_id": 5, "text": "hi"}', b'{"conversation_id": "tg-x", "text": 5}',
    b'{"conversation_id": "tg-x", "text": "   "}',
    b'{"conversation_id": "tg-x", "text": "\\u0000"}',
])
def test_bad_bodies_are_400(polling, body):
    assert send(polling, body)[0] == 400


def test_text_over_4000_characters_is_400(polling, chat):
    conversation = polling.ids.for_chat(chat.id)
    assert send(polling, {"conversation_id": conversation, "text": "a" * 4001})[0] == 400
    assert send(polling, {"conversation_id": conversation, "text": "a" * 4000})[0] == 202


@pytest.mark.parametrize("conversation_id", [
    "web-3f2a9c", "e2e-abc", "tg-", "tg-notbase64!!", "tg-" + "A" * 32, "tg-" + "A" * 300,
])
def test_ids_that_are_not_telegram_conversations_are_404(polling, conversation_id):
    assert send(polling, {"conversation_id": conversation_id, "text": "hi"})[0] == 404


def test_an_id_made_with_another_key_is_404(polling, chat):
    foreign = ConversationIds(os.urandom(64)).for_chat(chat.id)
    assert send(polling, {"conversation_id": foreign, "text": "hi"})[0] == 404


def test_a_person_who_blocked_the_bot_is_410(polling):
    chat = polling.new_chat()
    chat.say("/start")
    chat.block_bot()
    status, body = send(polling, {"conversation_id": polling.ids.for_chat(chat.id),
                                  "text": "Sam: are you still there?"})
    assert (status, body) == (410, {"status": "gone"})


def test_a_chat_telegram_does_not_know_is_502(polling):
    never = polling.ids.for_chat(123)  # a valid id for a chat that never wrote to the bot
    assert send(polling, {"conversation_id": never, "text": "hi"}) == (502, {"status": "failed"})
