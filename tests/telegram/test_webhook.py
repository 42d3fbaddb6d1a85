"""Webhook mode: updates only with our secret, malformed ones refused, same conversations."""

from __future__ import annotations

import time

import pytest

from tests.telegram.fake_bot_api import joined
from tests.telegram.http import get, post

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def start_update(webhook, chat_id: int) -> dict:
    webhook.bot.message_id_for(chat_id)
    return {"update_id": webhook.bot.next_update_id(), "message": {
        "message_id": 1, "date": int(time.time()), "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        "chat": {"id": chat_id, "type": "private", "first_name": "Person"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Person"}}}


def test_the_webhook_is_registered_with_our_secret(webhook):
    assert webhook.bot.webhook == {
        "url": f"{webhook.url}/telegram/webhook",
        "secret": webhook.env["TELEGRAM_WEBHOOK_SECRET"],
        "allowed_updates": ["message", "callback_query"]}
    assert get(f"{webhook.url}/healthz")[0] == 200


def test_welcome_and_buttons_through_the_webhook(webhook):
    chat = webhook.new_chat()
    welcome = chat.after(lambda: chat.send("/start"))
    assert "auto-delete timer" in joined(welcome) and welcome[-1].buttons
    assert "Here's what to keep" in joined(
        chat.after(lambda: chat.press("What to keep as evidence")))
    assert set(webhook.bot.webhook_statuses) == {200}
    assert not webhook.bot.calls_to("getUpdates")


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: ""}, {SECRET_HEADER: "wrong"},
                                     {"X-Telegram-Bot-Api-Secret": "nearly"}])
def test_a_forged_webhook_is_refused_and_never_answered(webhook, headers):
    chat = webhook.new_chat()
    status, _ = post(f"{webhook.url}/telegram/webhook", start_update(webhook, chat.id), headers)
    assert status == 403
    time.sleep(2)
    assert not webhook.bot.calls_to("sendMessage", chat.id)


def test_a_nearly_right_secret_is_refused(webhook):
    chat = webhook.new_chat()
    wrong = {SECRET_HEADER: webhook.env["TELEGRAM_WEBHOOK_SECRET"][:-1] + "x"}
    assert post(f"{webhook.url}/telegram/webhook", start_update(webhook, chat.id),
                wrong)[0] == 403


@pytest.mark.parametrize("body", [
    b"{not json", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b'"text"', b"{}",
    b'{"update_id": "7"}', b'{"update_id": true}',
    b'{"update_id": 5, "message": "hello"}',
    b'{"update_id": 6, "message": {"text": "no chat, no id"}}',
    b"[" * 100000 + b"]" * 100000,
])
def test_malformed_updates_get_400(webhook, body):
    headers = {SECRET_HEADER: webhook.env["TELEGRAM_WEBHOOK_SECRET"]}
    status, _ = post(f"{webhook.url}/telegram/webhook", body, headers)
    assert status == 400
    assert get(f"{webhook.url}/healthz")[0] == 200  # and the gateway is fine


def test_an_oversized_body_is_refused(webhook):
    headers = {SECRET_HEADER: webhook.env["TELEGRAM_WEBHOOK_SECRET"]}
    assert post(f"{webhook.url}/telegram/webhook", b" " * (2 * 1024 * 1024), headers)[0] == 413


def test_an_update_with_nothing_we_handle_is_accepted_quietly(webhook):
    headers = {SECRET_HEADER: webhook.env["TELEGRAM_WEBHOOK_SECRET"]}
    update = {"update_id": webhook.bot.next_update_id(), "edited_message": {
        "message_id": 1, "date": 0, "edit_date": 1, "text": "edited",
        "chat": {"id": 5, "type": "private"}}}
    assert post(f"{webhook.url}/telegram/webhook", update, headers)[0] == 200


def test_a_redelivered_update_is_answered_once(webhook):
    chat = webhook.new_chat()
    replies = chat.after(lambda: chat.send("/help", times=2))
    assert sum("I can help you keep evidence safely" in m.text for m in replies) == 1


def test_the_polling_gateway_has_no_webhook_route(polling):
    headers = {SECRET_HEADER: "anything"}
    assert post(f"{polling.url}/telegram/webhook", {"update_id": 1}, headers)[0] == 404
