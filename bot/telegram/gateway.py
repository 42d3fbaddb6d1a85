"""The gateway's work for one chat: ask the assistant, send its replies, clear the chat.

Handlers (bot/telegram/handlers.py) decide what an update means; this module does it. It
keeps nothing a person wrote: the assistant's keyboards are remembered by token, in memory
(buttons.py), and messages by id only (sent.py), so /clear can delete them later.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import sqlite3
from collections.abc import Sequence

from telegram import (Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup,
                      InputFile, LinkPreviewOptions, Message)
from telegram.constants import ChatAction, ParseMode
from telegram.error import Forbidden, TelegramError

from bot.case_documents import CaseDocuments, Requested, requested
from bot.telegram import render, wording
from bot.telegram.backend_client import Backend
from bot.telegram.buttons import AlreadyChosen, ButtonStore, Unknown
from bot.telegram.ids import ConversationIds
from bot.telegram.ordering import ChatLanes, LaneFull
from bot.telegram.rasa_client import Assistant, AssistantUnavailable
from bot.telegram.render import Outgoing
from bot.telegram.sent import MessageLog

logger = logging.getLogger(__name__)
# Link previews would put a helpline's name and logo in large print on the screen.
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
DELETE_BATCH = 100  # Telegram's limit for deleteMessages
# How long a staff message waits for the chat's turn. Short, so the backend (which waits
# about 5 seconds) hears "busy, try again" rather than time out on a message sent later.
STAFF_WAIT_SECONDS = 3.0


class Delivery(enum.Enum):
    """What became of a staff member's message."""

    SENT = "sent"
    BUSY = "busy"        # the chat's lane is full or did not free up in time
    GONE = "gone"        # the person blocked the bot or deleted their account
    FAILED = "failed"    # Telegram refused or could not be reached


class Gateway:
    """Everything a handler needs, built once in main() and shared by all chats."""

    def __init__(self, bot: Bot, ids: ConversationIds, assistant: Assistant,
                 backend: Backend, buttons: ButtonStore, sent: MessageLog,
                 lanes: ChatLanes, sorry: str, clear_note_seconds: float,
                 documents: CaseDocuments | None = None) -> None:
        self.bot = bot
        self.ids = ids
        self.assistant = assistant
        self.backend = backend
        self.buttons = buttons
        self.sent = sent
        self.lanes = lanes
        self.sorry = sorry
        self.clear_note_seconds = clear_note_seconds
        self.documents = documents

    def remember(self, chat_id: int, message_id: int) -> None:
        """Notes a message in the chat (theirs or ours) for /clear."""
        try:
            self.sent.add(self.ids.for_chat(chat_id), message_id)
        except sqlite3.Error as error:
            # /clear would miss this one message; the conversation must not stop for it.
            logger.error("could not note a message id for /clear: %s", type(error).__name__)

    async def converse(self, chat_id: int, message: str) -> int:
        """Sends one message to the assistant and its replies to the chat, or an apology;
        returns how many messages the person got (0: staff have taken over, Rasa is quiet)."""
        await self._typing(chat_id)
        try:
            replies = await self.assistant.send(self.ids.for_chat(chat_id), message)
        except AssistantUnavailable as error:
            logger.warning("the assistant could not answer: %s", error)
            return len(await self.say(chat_id, self.sorry))
        count = 0
        for reply in replies:
            wanted = requested(reply)
            if wanted is not None:
                count += await self.send_document(chat_id, wanted)
                continue
            for outgoing in render.from_reply(reply):
                await self.send(chat_id, outgoing)
                count += 1
        return count

    async def send_document(self, chat_id: int, wanted: Requested) -> int:
        """A copy of the person's log, fetched once from the action server and sent as a
        file (remembered, so /clear deletes it); a kind word if it cannot be."""
        fetched = None
        if self.documents is not None:
            fetched = await self.documents.fetch(self.ids.for_chat(chat_id), wanted)
        if fetched is None:
            logger.warning("a copy of a log could not be fetched for its chat")
            return len(await self.say(chat_id, wording.DOCUMENT_FAILED))
        message = await self.bot.send_document(
            chat_id, InputFile(fetched.content, filename=fetched.filename),
            filename=fetched.filename)
        self.remember(chat_id, message.message_id)
        return 1

    async def say(self, chat_id: int, text: str) -> list[Message]:
        """Sends the gateway's own text (or a staff member's), escaped, without buttons."""
        return [await self.send(chat_id, outgoing) for outgoing in render.plain(text)]

    async def send(self, chat_id: int, outgoing: Outgoing) -> Message:
        """Sends one message, its buttons as an inline keyboard, and remembers its id."""
        markup = None
        if outgoing.buttons:
            tokens = self.buttons.tokens_for(chat_id, outgoing.buttons)
            markup = InlineKeyboardMarkup(
                [[InlineKeyboardButton(button.title, callback_data=token)]
                 for button, token in zip(outgoing.buttons, tokens, strict=False)])
        message = await self.bot.send_message(
            chat_id, outgoing.html, parse_mode=ParseMode.HTML, reply_markup=markup,
            link_preview_options=NO_PREVIEW)
        self.remember(chat_id, message.message_id)
        return message

    async def press(self, chat_id: int, query: CallbackQuery) -> None:
        """A button press: answer it, take the keyboard away, continue the conversation."""
        resolution = self.buttons.resolve(chat_id, query.data)
        if isinstance(resolution, AlreadyChosen):
            await _answer(query, wording.ALREADY_CHOSEN)
            return
        await _answer(query)
        await self._remove_keyboard(chat_id, query)
        if isinstance(resolution, Unknown):
            logger.info("a button press did not match a live keyboard")
            await self.say(chat_id, wording.EXPIRED_BUTTON)
            return
        await self.converse(chat_id, resolution.button.payload)

    async def clear(self, chat_id: int) -> int:
        """Deletes every message of this chat the bot may still delete; returns how many."""
        message_ids = self.sent.take(self.ids.for_chat(chat_id))
        self.buttons.forget(chat_id)
        for start in range(0, len(message_ids), DELETE_BATCH):
            await self.delete(chat_id, message_ids[start:start + DELETE_BATCH])
        return len(message_ids)

    async def delete(self, chat_id: int, message_ids: Sequence[int]) -> None:
        """Deletes messages, one by one if Telegram refuses the batch."""
        try:
            await self.bot.delete_messages(chat_id, message_ids)
            return
        except Forbidden:
            return
        except TelegramError as error:
            logger.info("batch delete refused (%s); deleting one by one",
                        type(error).__name__)
        for message_id in message_ids:
            try:
                await self.bot.delete_message(chat_id, message_id)
            except TelegramError:
                pass  # already gone, or older than Telegram allows

    async def deliver_staff_message(self, chat_id: int, text: str) -> Delivery:
        """Sends a staff member's message in its turn among the chat's updates."""
        try:
            async with self.lanes.turn(chat_id, wait=STAFF_WAIT_SECONDS):
                await self.say(chat_id, text)
        except (LaneFull, TimeoutError):
            return Delivery.BUSY
        except Forbidden:
            return Delivery.GONE
        except TelegramError as error:
            logger.warning("a staff message was not delivered: %s", type(error).__name__)
            return Delivery.FAILED
        return Delivery.SENT

    async def _typing(self, chat_id: int) -> None:
        try:
            await self.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError:
            pass  # a courtesy; the reply matters, not the indicator

    async def _remove_keyboard(self, chat_id: int, query: CallbackQuery) -> None:
        if query.message is None:
            return
        try:
            await self.bot.edit_message_reply_markup(
                chat_id, query.message.message_id, reply_markup=None)
        except TelegramError:
            pass  # too old to edit, or already edited: the press still counts


async def _answer(query: CallbackQuery, text: str | None = None) -> None:
    """Stops the button's spinner; a failure here must not stop the conversation."""
    with contextlib.suppress(TelegramError):
        await query.answer(text)
