"""What the case page shows of a live conversation: whether the person is there, and
what the signed-in staff member may do (take over, reply, end the takeover)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aiohttp import web

from bot.backend.chat import presence
from bot.backend.chat.delivery import OUTCOMES, channel_of
from bot.backend.chat.transcripts import Transcript
from bot.backend.keys import CHAT, USER
from bot.backend.staff.case.actions import CASE_ACTIONS
from bot.backend.staff.case.notices import ROLE_WORDS
from bot.backend.storage.models import Handoff, Referral
from bot.backend.storage.vocab import WITHDRAWN
from bot.backend.web.templating import when


@dataclass(frozen=True)
class LiveView:
    """The live section of the case page."""

    channel: str
    taken_over: bool
    paused: bool
    presence: str
    presence_text: str
    can_take_over: bool
    can_reply: bool
    can_end: bool
    sent: str | None
    count: int
    # How the person would be told who joined, without a first name.
    introduced_as: str


async def refresh_presence(request: web.Request, conversation_id: str) -> None:
    """Makes sure presence_of answers from a fresh reading for a web conversation."""
    if channel_of(conversation_id) == "web":
        await request.config_dict[CHAT].hub.refresh(conversation_id)


def presence_of(request: web.Request, conversation_id: str, left_at: dt.datetime | None,
                transcript: Transcript) -> tuple[str, str]:
    """A code and what staff are told about whether the person is there."""
    if channel_of(conversation_id) == "web":
        now = request.config_dict[CHAT].hub.presence(conversation_id)
        if left_at is not None or now == "left":
            at = f" at {when(left_at)}" if left_at else ""
            return "left", (f"They left the chat with quick exit{at}. Nothing more will be "
                            "sent to them.")
        return now, {
            "connected": "They are on the web chat now.",
            "away": "Their web chat is reconnecting.",
            "not_connected": "They are not on the web chat now: messages would not reach "
                             "them.",
        }[now]
    if presence.still_away(left_at, transcript.messages):
        return "left", (f"They cleared or deleted the Telegram chat at {when(left_at)}. "
                        "Nothing more will be sent to them unless they write again.")
    return "telegram", "On Telegram: messages reach them when they next open the app."


def live_view(request: web.Request, handoff: Handoff, referral: Referral,
              conversation_id: str, transcript: Transcript) -> LiveView | None:
    """The section for the case page, or None when there is no live conversation to show
    (another channel, or a withdrawn request)."""
    channel = channel_of(conversation_id)
    if channel is None or handoff.status == WITHDRAWN:
        return None
    user = request[USER]
    code, text = presence_of(request, conversation_id, referral.left_at, transcript)

    return LiveView(
        channel=channel,
        taken_over=handoff.takeover_at is not None,
        paused=transcript.paused,
        presence=code,
        presence_text=text,
        can_take_over=CASE_ACTIONS["takeover"].allowed(user, handoff) and not transcript.paused,
        can_reply=CASE_ACTIONS["reply"].allowed(user, handoff),
        # Also mends a pause the database does not know about (end_takeover's handler).
        can_end=CASE_ACTIONS["end_takeover"].who(user, handoff)
        and (handoff.takeover_at is not None or transcript.paused),
        sent=OUTCOMES.get(request.query.get("sent", "")),
        count=len(transcript.messages),
        introduced_as=ROLE_WORDS[user.role],
    )


