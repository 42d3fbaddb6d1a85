"""The Telegram gateway as Telegram drives it: updates POSTed to its webhook with the secret
header, its Bot API calls answered by the fake Bot API of tests/telegram (fake_bot_api.py),
which keeps each chat as the person's Telegram app would show it.

Updates are posted here rather than through the fake's `deliver`, so a test chooses the
bytes of the body (not UTF-8, for one) and the secret header (forged, or none).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import aiohttp

from bot.bench.production import free_port
from tests.telegram.fake_bot_api import FakeBot, FakeBotApi, FakeChat, Message

TOKEN = "7000009:corpus-test-token"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# The gateway sends a reply's messages one by one: the reply is complete after a pause.
QUIET_SECONDS = 1.0


def gateway_env(api: FakeBotApi, var: Path) -> Dict[str, str]:
    """The gateway's settings in webhook mode, against the fake Bot API (the webhook secret,
    the id key and the internal token come with the cluster's generated secrets)."""
    port = free_port()
    return {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.url,
            "TELEGRAM_MODE": "webhook", "TELEGRAM_HOST": "127.0.0.1",
            "TELEGRAM_PORT": str(port),
            "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
            "TELEGRAM_STATE_PATH": str(var / "telegram.db")}


def new_chat(bot: FakeBot) -> FakeChat:
    """A person nobody has talked to yet (the fake then knows the chat exists)."""
    chat = bot.chat(secrets.randbelow(2**40) + 10**6)
    bot.message_id_for(chat.id)
    return chat


def keyboard_message(chat: FakeChat) -> Message:
    """A message of the bot's with one button, as if the assistant had just asked."""
    bot = chat.bot
    bot.api_sendMessage({"chat_id": chat.id, "text": "Would you like to see your options?",
                         "reply_markup": {"inline_keyboard": [[
                             {"text": "Yes please", "callback_data": "b.AbCdEfGh.0"}]]}})
    return chat.bot_messages()[-1]


def button_press(chat: FakeChat, message: Message, data: Any) -> Dict[str, Any]:
    """An update for a press on `message` carrying `data` as its callback data."""
    bot = chat.bot
    return {"update_id": bot.next_update_id(), "callback_query": {
        "id": str(bot.next_update_id()), "from": bot.user(chat.id), "message": message.raw,
        "chat_instance": f"ci{chat.id}", "data": data}}


async def post_update(http: aiohttp.ClientSession, url: str, body: bytes,
                      secret: Optional[str]) -> Tuple[int, str]:
    """POSTs one update as Telegram does; `secret` None sends no secret header."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    async with http.post(f"{url}/telegram/webhook", data=body, headers=headers) as response:
        return response.status, await response.text()


def encoded(update: Dict[str, Any]) -> bytes:
    return json.dumps(update).encode()


async def new_messages(chat: FakeChat, before: int, first_within: float) -> List[Message]:
    """The bot's messages in the chat after the first `before`, once they stop coming;
    [] when none came within `first_within` seconds."""
    deadline = time.monotonic() + first_within
    while True:
        new = chat.bot_messages()[before:]
        if new and time.monotonic() - new[-1].at >= QUIET_SECONDS:
            return new
        if not new and time.monotonic() >= deadline:
            return []
        await asyncio.sleep(0.05)
