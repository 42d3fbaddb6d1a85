"""What each kind of update means. The work itself is in bot/telegram/gateway.py.

    /start   -> the assistant's welcome ("/greet")
    /help    -> what the assistant can do ("/ask_capabilities")
    /delete  -> "delete my data": the assistant asks to confirm, then erases ("/delete_data");
                the backend is told the person left (a staff member stops writing)
    /clear   -> delete this chat's messages, then tell the backend the person left
    text     -> the assistant (cleaned; empty or over 4,000 characters gets a kind word)
    photo, video, document, voice, audio, video note, animation, sticker
             -> never downloaded; the assistant says images are never needed ("/share_image")
    contact, location, poll and the like -> not kept; please type instead
    any other message (text with nothing in it, content Telegram added since)
             -> a kind word, never silence (service messages, such as a timer change,
                are not answered)
    button   -> its payload to the assistant

Only private chats are served: a group would mix several people into one conversation.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from typing import cast

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import (Application, CallbackQueryHandler, CommandHandler, ContextTypes,
                          MessageHandler, filters)

from bot.telegram import incoming, wording
from bot.telegram.gateway import Gateway

logger = logging.getLogger(__name__)
GATEWAY = "gateway"
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
MEDIA = (filters.PHOTO | filters.VIDEO | filters.Document.ALL | filters.VOICE | filters.AUDIO
         | filters.VIDEO_NOTE | filters.ANIMATION | filters.Sticker.ALL | filters.PAID_MEDIA)
OTHER_CONTENT = (filters.CONTACT | filters.LOCATION | filters.VENUE | filters.POLL
                 | filters.Dice.ALL | filters.GAME | filters.STORY | filters.CHECKLIST)


def gateway_of(context: ContextTypes.DEFAULT_TYPE) -> Gateway:
    """The shared Gateway, stored in bot_data by main()."""
    return cast(Gateway, context.bot_data[GATEWAY])


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None  # every handler here is for a chat
    return update.effective_chat.id


async def remember(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Notes the id of every message a person sends, so /clear can delete it too."""
    if update.message is not None:
        gateway_of(context).remember(_chat_id(update), update.message.message_id)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets the person with the assistant's welcome."""
    await gateway_of(context).converse(_chat_id(update), "/greet")


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows what the assistant can do."""
    await gateway_of(context).converse(_chat_id(update), "/ask_capabilities")


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Starts erasure (the assistant asks to confirm) and tells the backend, so a staff
    member in the conversation stops writing."""
    gateway, chat_id = gateway_of(context), _chat_id(update)
    context.application.create_task(gateway.backend.person_left(gateway.ids.for_chat(chat_id)))
    if await gateway.converse(chat_id, "/delete_data") == 0:
        # Rasa stays quiet while staff have taken over: never leave the request unanswered.
        await gateway.say(chat_id, wording.DELETE_DURING_TAKEOVER)


async def clear(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deletes this chat's messages, leaves a self-deleting note, tells the backend."""
    gateway, chat_id = gateway_of(context), _chat_id(update)
    deleted = await gateway.clear(chat_id)
    seconds = gateway.clear_note_seconds
    notes = await gateway.say(chat_id, wording.cleared_note(seconds))
    if context.job_queue is not None:
        context.job_queue.run_once(delete_note, seconds, chat_id=chat_id,
                                   data=[note.message_id for note in notes])
    # In the background: the person is never kept waiting for the backend.
    context.application.create_task(gateway.backend.person_left(gateway.ids.for_chat(chat_id)))
    logger.info("chat cleared: %d messages", deleted)


async def delete_note(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deletes the note /clear left, so nothing at all remains."""
    job = context.job
    if job is not None and job.chat_id is not None:
        await gateway_of(context).delete(job.chat_id, cast(list[int], job.data))


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Passes what the person typed to the assistant, or says kindly why not."""
    assert update.message is not None
    message = incoming.from_person(update.message.text)
    gateway, chat_id = gateway_of(context), _chat_id(update)
    if message.problem == "empty":
        await gateway.say(chat_id, wording.EMPTY)
    elif message.problem == "too_long":
        await gateway.say(chat_id, wording.TOO_LONG)
    else:
        await gateway.converse(chat_id, message.text)


async def media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Never downloads or keeps media; the assistant explains images are never needed."""
    assert update.message is not None
    gateway, chat_id = gateway_of(context), _chat_id(update)
    caption = incoming.from_person(update.message.caption)
    if caption.problem is None:
        # A caption can say something urgent ("I can't go on"): the assistant reads it first.
        await gateway.converse(chat_id, caption.text)
    await gateway.converse(chat_id, "/share_image")
    logger.info("media received and not downloaded")


async def other_content(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Contacts, locations, polls and the like are not kept; asks the person to type."""
    await gateway_of(context).say(_chat_id(update), wording.UNSUPPORTED)


async def anything_else(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message no other handler reads: an empty text (filters.TEXT wants some) or a kind
    of content this gateway does not know. The person is told kindly, never met with
    silence."""
    assert update.message is not None
    said = wording.EMPTY if update.message.text is not None else wording.UNSUPPORTED
    await gateway_of(context).say(_chat_id(update), said)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press continues the conversation with the button's payload."""
    query = update.callback_query
    assert query is not None
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        with contextlib.suppress(TelegramError):
            await query.answer()
        return
    await gateway_of(context).press(chat.id, query)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs where it failed (never the update or the error's text) and apologises."""
    error = context.error
    frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    logger.error("an update failed: %s\n%s", type(error).__name__, frames)
    if isinstance(error, Forbidden) or not isinstance(update, Update):
        return  # blocked by the person: nothing can reach them
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        with contextlib.suppress(TelegramError):
            await gateway_of(context).say(chat.id, gateway_of(context).sorry)


def add_handlers(application: Application) -> None:  # type: ignore[type-arg]
    """Wires the handlers; group -1 runs before the others for every private message."""
    application.add_handler(MessageHandler(PRIVATE, remember), group=-1)
    application.add_handler(CommandHandler("start", start, filters=PRIVATE))
    application.add_handler(CommandHandler("help", help_command, filters=PRIVATE))
    application.add_handler(CommandHandler("delete", delete, filters=PRIVATE))
    application.add_handler(CommandHandler("clear", clear, filters=PRIVATE))
    application.add_handler(MessageHandler(PRIVATE & MEDIA, media))
    application.add_handler(MessageHandler(PRIVATE & OTHER_CONTENT, other_content))
    application.add_handler(MessageHandler(PRIVATE & filters.TEXT, text))
    application.add_handler(MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, anything_else))
    application.add_handler(CallbackQueryHandler(button))
    application.add_error_handler(on_error)
