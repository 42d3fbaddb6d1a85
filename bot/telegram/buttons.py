"""Callback tokens: short, opaque stand-ins for the assistant's button payloads.

Telegram carries at most 64 bytes of callback data, and payloads such as
`/inform_country{"country": "GB-SCT"}` can be longer; they also say more than a button
needs to carry. Each keyboard we send gets a random key; a button's callback data is
"b.<key>.<index>", resolved against the keyboards this chat was sent, most recent 16 kept.
A token from another chat, a guessed one or one from before a restart resolves to nothing
and the person is told, kindly, that the button has expired.
"""

from __future__ import annotations

import re
import secrets
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.telegram.render import Button

KEYBOARDS_PER_CHAT = 16
CHATS = 10_000
_TOKEN = re.compile(r"b\.([A-Za-z0-9_-]{8})\.(\d{1,2})")


@dataclass
class _Keyboard:
    buttons: tuple[Button, ...]
    pressed: bool = field(default=False)


@dataclass(frozen=True)
class Pressed:
    """A live button: send its payload to the assistant."""

    button: Button


@dataclass(frozen=True)
class AlreadyChosen:
    """A second press on a keyboard already answered (a double tap)."""


@dataclass(frozen=True)
class Unknown:
    """Nothing we sent to this chat, or no longer remembered."""


Resolution = Pressed | AlreadyChosen | Unknown


class ButtonStore:
    """The keyboards recently sent to each chat, bounded per chat and overall."""

    def __init__(self, per_chat: int = KEYBOARDS_PER_CHAT, chats: int = CHATS) -> None:
        self._per_chat = per_chat
        self._chats = chats
        self._store: OrderedDict[int, OrderedDict[str, _Keyboard]] = OrderedDict()

    def tokens_for(self, chat_id: int, buttons: Sequence[Button]) -> list[str]:
        """Remembers a keyboard for this chat and returns its buttons' callback data."""
        keyboards = self._store.pop(chat_id, None) or OrderedDict()
        self._store[chat_id] = keyboards  # most recently used chat last
        key = secrets.token_urlsafe(6)  # 8 characters, 48 random bits
        keyboards[key] = _Keyboard(tuple(buttons))
        while len(keyboards) > self._per_chat:
            keyboards.popitem(last=False)
        while len(self._store) > self._chats:
            self._store.popitem(last=False)
        return [f"b.{key}.{index}" for index in range(len(buttons))]

    def resolve(self, chat_id: int, data: object) -> Resolution:
        """What a press in this chat means; only this chat's keyboards are consulted."""
        match = _TOKEN.fullmatch(data) if isinstance(data, str) else None
        keyboards = self._store.get(chat_id)
        keyboard = keyboards.get(match.group(1)) if match and keyboards else None
        if match is None or keyboard is None:
            return Unknown()
        index = int(match.group(2))
        if index >= len(keyboard.buttons):
            return Unknown()
        if keyboard.pressed:
            return AlreadyChosen()
        keyboard.pressed = True
        return Pressed(keyboard.buttons[index])

    def forget(self, chat_id: int) -> None:
        """Drops a chat's keyboards (after /clear deleted the messages they were on)."""
        self._store.pop(chat_id, None)
