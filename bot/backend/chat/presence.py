"""When a person leaves on purpose: quick exit in the widget, /clear or /delete on Telegram.

The moment is kept on the conversation's referral (if there is one), so the case page can
say so and staff messages stop: a message arriving after someone hid the chat could be
seen by the very person they hid it from. Writing again counts as coming back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable

from aiohttp import ChainMapProxy
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.backend.chat.delivery import channel_of
from bot.backend.chat.hub import ENDED
from bot.backend.chat.transcripts import Message
from bot.backend.keys import CHAT, CLOCK, SESSIONS, VAULT
from bot.backend.storage import audit
from bot.backend.storage.crypto import Vault
from bot.backend.storage.referrals import locked_referral


async def person_left(config: ChainMapProxy, conversation_id: str, actor: audit.Actor,
                      via: str) -> None:
    """Everything leaving means: a widget session is refused from this moment and its
    socket closed, and the referral (if any) records when, for the case page. The record
    is written in the background, so it is kept even if the caller's connection drops."""
    chat = config[CHAT]
    socket = chat.hub.leave(conversation_id) if channel_of(conversation_id) == "web" else None
    await asyncio.shield(chat.spawn(record_left(config[SESSIONS], config[VAULT],
                                                conversation_id, config[CLOCK](), actor, via)))
    if socket is not None and not socket.closed:
        await socket.close(code=ENDED, message=b"left")


async def record_left(
    sessions: async_sessionmaker[AsyncSession], vault: Vault, conversation_id: str,
    now: dt.datetime, actor: audit.Actor, via: str,
) -> None:
    """Note the time on the referral, if one is held, and audit it."""
    async with sessions.begin() as session:
        referral = await locked_referral(session, vault, conversation_id)
        if referral is None:
            return
        referral.left_at = now
        audit.record(session, actor, "conversation.left", now, object_type="referral",
                     object_id=referral.id, detail=f"via={via}")


def still_away(left_at: dt.datetime | None, messages: Iterable[Message]) -> bool:
    """Left, and has not written since."""
    if left_at is None:
        return False
    return not any(m.speaker == "victim" and m.at > left_at for m in messages)
