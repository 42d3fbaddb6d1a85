"""Conversation ids: deterministic, reversible only with the key, never the chat id."""

from __future__ import annotations

import base64
import os

import pytest

from bot.telegram.ids import MAX_LENGTH, ConversationIds


@pytest.fixture
def ids() -> ConversationIds:
    return ConversationIds(os.urandom(64))


@pytest.mark.parametrize("chat_id", [1, 123456789, 2**40 + 7, -1001234567890, 2**63 - 1])
def test_round_trip(ids, chat_id):
    conversation = ids.for_chat(chat_id)
    assert conversation.startswith("tg-") and len(conversation) <= MAX_LENGTH
    assert ids.chat_of(conversation) == chat_id


def test_the_same_chat_is_the_same_conversation_and_never_shows_its_id(ids):
    chat_id = 987654321
    assert ids.for_chat(chat_id) == ids.for_chat(chat_id)
    assert ids.for_chat(chat_id) != ids.for_chat(chat_id + 1)
    assert str(chat_id) not in ids.for_chat(chat_id)
    assert ConversationIds(os.urandom(64)).for_chat(chat_id) != ids.for_chat(chat_id)


def test_only_the_key_turns_an_id_back_into_a_chat(ids):
    conversation = ids.for_chat(42)
    assert ConversationIds(os.urandom(64)).chat_of(conversation) is None


@pytest.mark.parametrize("forged", [
    None, 42, "", "tg-", "tg-abc", "web-" + "A" * 32, "tg-" + "A" * 32, "tg-" + "A" * 200,
    "tg-" + "!" * 32, "TG-" + "A" * 32,
])
def test_what_the_gateway_did_not_make_does_not_decrypt(ids, forged):
    assert ids.chat_of(forged) is None


def test_an_altered_id_does_not_decrypt(ids):
    conversation = ids.for_chat(42)
    body = bytearray(base64.urlsafe_b64decode(conversation[3:] + "=="))
    for position in range(len(body)):
        altered = bytearray(body)
        altered[position] ^= 1
        text = "tg-" + base64.urlsafe_b64encode(bytes(altered)).rstrip(b"=").decode()
        assert ids.chat_of(text) is None


def test_padding_and_whitespace_spellings_are_refused(ids):
    # 24 bytes encode to exactly 32 characters, so these are the only other spellings a
    # lenient base64 decoder would accept for the same bytes.
    conversation = ids.for_chat(42)
    for spelling in (conversation + "=", conversation + "\n", " " + conversation):
        assert ids.chat_of(spelling) is None
