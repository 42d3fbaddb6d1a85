"""GET /staff/cases/{id}/live?after=N: the live conversation for live.js, as JSON.

It returns the transcript's messages from the N-th on, whether the person is connected or
has left, and whether the conversation is taken over; live.js polls it every two seconds.
It is a background route: it needs the staff session but does not extend it
(middlewares.BACKGROUND_ROUTES), so a case page left open still signs out when idle.
Anyone who may view the case may watch; each poll that shows new messages is audited as
`transcript.live`.
"""

from __future__ import annotations

from aiohttp import web

from bot.backend.chat.delivery import channel_of
from bot.backend.keys import RASA, SESSIONS, USER, VAULT
from bot.backend.storage.models import Handoff, Referral
from bot.backend.staff import auditing
from bot.backend.staff.case import policy
from bot.backend.staff.case.page import handoff_id
from bot.backend.staff.case.live_view import presence_of, refresh_presence
from bot.backend.web.templating import when
from bot.backend.storage.vocab import WITHDRAWN

POLL_AFTER_MAX = 100_000


async def live_feed(request: web.Request) -> web.Response:
    """GET /staff/cases/{handoff_id}/live?after=N."""
    after = _after(request.query.get("after", "0"))
    config = request.config_dict
    case_id = handoff_id(request)
    async with config[SESSIONS].begin() as session:
        handoff = await session.get(Handoff, case_id)
        if handoff is None:
            raise web.HTTPNotFound()
        allowed = policy.can_view(request[USER], handoff)
        if allowed:
            referral = await session.get_one(Referral, handoff.referral_id)
            conversation_id = config[VAULT].decrypt(referral.conversation_id_enc)
            left_at, status, taken_over = (referral.left_at, handoff.status,
                                           handoff.takeover_at is not None)
    if not allowed:
        await auditing.deny(request, "transcript.live", object_type="handoff",
                            object_id=case_id)
    if status == WITHDRAWN or channel_of(conversation_id) is None:
        return web.json_response({"problem": "There is no live conversation to show."})
    transcript = await config[RASA].transcript(conversation_id)
    if transcript.problem:
        return web.json_response({"problem": transcript.problem})
    messages = transcript.messages
    reset = len(messages) < after  # erased, or purged: start the list again
    new = messages if reset else messages[after:]
    if new:
        await auditing.record(request, "transcript.live", object_type="handoff",
                              object_id=case_id, detail=f"messages={len(new)}")
    await refresh_presence(request, conversation_id)
    code, text = presence_of(request, conversation_id, left_at, transcript)
    return web.json_response({
        "count": len(messages),
        "reset": reset,
        "messages": [{"speaker": m.speaker, "label": m.label, "text": m.text,
                      "at": when(m.at)} for m in new],
        "presence": code,
        "presence_text": text,
        "taken_over": taken_over,
        "paused": transcript.paused,
    })


def _after(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or int(raw) > POLL_AFTER_MAX:
        raise web.HTTPBadRequest(text="after must be a count of messages")
    return int(raw)
