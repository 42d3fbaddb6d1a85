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
from bot.backend.keys import RASA
from bot.backend.staff import auditing
from bot.backend.staff.case import policy
from bot.backend.staff.case.guard import open_case
from bot.backend.staff.case.live_view import presence_of, refresh_presence
from bot.backend.storage.models import Referral
from bot.backend.storage.vocab import WITHDRAWN
from bot.backend.web.templating import when

POLL_AFTER_MAX = 100_000


async def live_feed(request: web.Request) -> web.Response:
    """GET /staff/cases/{handoff_id}/live?after=N."""
    after = _after(request.query.get("after", "0"))
    config = request.config_dict
    async with open_case(request, "transcript.live", policy.can_view, lock=False) as opened:
        handoff = opened.handoff
        referral = await opened.session.get_one(Referral, handoff.referral_id)
        conversation_id = opened.vault.decrypt(referral.conversation_id_enc)
        case_id, left_at, status, taken_over = (handoff.id, referral.left_at, handoff.status,
                                                handoff.takeover_at is not None)
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
