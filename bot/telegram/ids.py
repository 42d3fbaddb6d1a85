"""Conversation ids: what Rasa, the backend and the staff see instead of a Telegram chat id.

A chat id identifies a Telegram account, so it never leaves the gateway. Rasa's sender id is
"tg-" + base64url(AES-SIV(TELEGRAM_ID_KEY, chat id)). AES-SIV is deterministic, so the same
chat is always the same conversation (across restarts, without a lookup table), and it is
authenticated, so only the gateway, holding the key, can turn an id back into a chat (to
deliver a staff member's reply) and a forged or altered id simply does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

PREFIX = "tg-"
# Rasa and the backend accept sender ids up to 255 characters; ours are 35.
MAX_LENGTH = 128
# Binds ciphertexts to this purpose and format, so the key can never be misused elsewhere.
_CONTEXT = [b"bot.telegram chat id v1"]
_ENCODED = re.compile(r"tg-[A-Za-z0-9_-]{22,125}")


class ConversationIds:
    """Turns chat ids into conversation ids and back."""

    def __init__(self, key: bytes) -> None:
        self._siv = AESSIV(key)

    def for_chat(self, chat_id: int) -> str:
        """The conversation id of a chat: the same chat, the same id, every time."""
        plain = chat_id.to_bytes(8, "big", signed=True)
        sealed = self._siv.encrypt(plain, _CONTEXT)
        return PREFIX + base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")

    def chat_of(self, conversation_id: object) -> int | None:
        """The chat behind a conversation id; None for anything the gateway did not make."""
        if not isinstance(conversation_id, str) or len(conversation_id) > MAX_LENGTH:
            return None
        if not _ENCODED.fullmatch(conversation_id):
            return None
        text = conversation_id[len(PREFIX):]
        try:
            sealed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            plain = self._siv.decrypt(sealed, _CONTEXT)
        except (binascii.Error, ValueError, InvalidTag):
            return None
        if len(plain) != 8:
            return None
        chat_id = int.from_bytes(plain, "big", signed=True)
        # One chat, one spelling: refuse other base64 spellings of the same bytes.
        return chat_id if self.for_chat(chat_id) == conversation_id else None
