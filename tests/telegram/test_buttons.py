"""Callback tokens: short, per chat, single use, bounded; unknown ones resolve to Unknown."""

from __future__ import annotations

from bot.telegram.buttons import AlreadyChosen, ButtonStore, Pressed, Unknown
from bot.telegram.render import Button

COUNTRIES = [Button(name, f'/inform_country{{"country": "{code}"}}') for name, code in
             [("England", "GB-ENG"), ("Scotland", "GB-SCT"), ("Wales", "GB-WLS"),
              ("Northern Ireland", "GB-NIR")]]


def test_tokens_fit_telegram_and_resolve_to_the_payload():
    store = ButtonStore()
    tokens = store.tokens_for(1, COUNTRIES)
    assert all(len(token.encode()) <= 64 for token in tokens)
    assert all("country" not in token for token in tokens)  # opaque
    assert store.resolve(1, tokens[1]) == Pressed(COUNTRIES[1])


def test_a_keyboard_answers_once():
    store = ButtonStore()
    tokens = store.tokens_for(1, COUNTRIES)
    assert isinstance(store.resolve(1, tokens[0]), Pressed)
    assert store.resolve(1, tokens[0]) == AlreadyChosen()
    assert store.resolve(1, tokens[2]) == AlreadyChosen()


def test_another_chats_token_means_nothing_here():
    store = ButtonStore()
    tokens = store.tokens_for(1, COUNTRIES)
    assert store.resolve(2, tokens[0]) == Unknown()
    assert isinstance(store.resolve(1, tokens[0]), Pressed)  # and was not used up


def test_garbage_and_guesses_are_unknown():
    store = ButtonStore()
    token = store.tokens_for(1, COUNTRIES)[0]
    key = token.split(".")[1]
    for data in (None, "", "x", "/affirm", "b..0", f"b.{key}.9", f"b.{key}.-1",
                 f"b.{key}.0.0", "b.AAAAAAAA.0", "é" * 64, 12):
        assert store.resolve(1, data) == Unknown(), data


def test_old_keyboards_and_chats_are_forgotten():
    store = ButtonStore(per_chat=2, chats=2)
    oldest = store.tokens_for(1, COUNTRIES)
    store.tokens_for(1, COUNTRIES)
    newest = store.tokens_for(1, COUNTRIES)
    assert store.resolve(1, oldest[0]) == Unknown()  # two keyboards per chat
    store.tokens_for(2, COUNTRIES)
    store.tokens_for(3, COUNTRIES)
    assert store.resolve(1, newest[0]) == Unknown()  # two chats: the least recent went


def test_forget_drops_a_chats_keyboards():
    store = ButtonStore()
    tokens = store.tokens_for(1, COUNTRIES)
    store.forget(1)
    assert store.resolve(1, tokens[0]) == Unknown()
