"""A reminder a person asked for, delivered when it is due.

    POST /api/v1/conversations/{id}/reminder   (the action server's token only)
    {"text": "check the reddit post" | null, "entry": 3 | null}
        202 delivered; 409 the assistant said nothing (a staff member has taken over the
        conversation: the action server tries again later, after the takeover);
        404 not a Telegram conversation, or unknown to the gateway; 410 the person blocked
        the bot; 503 Rasa or the gateway could not be reached (the action server tries
        again later)

The action server keeps reminders durably and decides when one is due
(actions/caselog/reminder_runner.py); it holds no key to Rasa's API or to the gateway.
The backend, which holds both, triggers the reminder intent through Rasa's trigger-intent
API, so the assistant words it as its own message (with the entry's status), and sends
what it said to the chat through the gateway's internal API. Nothing of it is logged.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.backend.api.body import read_json
from bot.backend.chat.rasa_client import RasaUnavailable
from bot.backend.keys import RASA, TELEGRAM
from bot.backend.web.errors import ApiError

log = logging.getLogger(__name__)
REMINDER_INTENT = "EXTERNAL_case_reminder"
TELEGRAM_PREFIX = "tg-"
MAX_TEXT = 100
STATUS = {"not_connected": 404, "left": 410}


async def deliver_reminder(request: web.Request) -> web.Response:
    """POST /api/v1/conversations/{id}/reminder."""
    conversation_id = request.match_info["conversation_id"]
    if not conversation_id.startswith(TELEGRAM_PREFIX) or len(conversation_id) > 128:
        raise ApiError(404, "not_found", "reminders are delivered on Telegram only")
    body = await read_json(request)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid", "the body must be an object")
    entities: dict[str, object] = {}
    text, entry = body.get("text"), body.get("entry")
    if isinstance(text, str) and text.strip():
        entities["reminder_text"] = text.strip()[:MAX_TEXT]
    if isinstance(entry, int) and not isinstance(entry, bool) and 0 < entry < 100_000:
        entities["log_entry"] = entry
    try:
        said = await request.config_dict[RASA].trigger(conversation_id, REMINDER_INTENT,
                                                       entities)
    except RasaUnavailable as error:
        log.warning("a reminder could not be triggered: %s", error)
        raise ApiError(503, "unavailable", "the assistant could not be reached") from None
    if not said:
        raise ApiError(409, "quiet", "the assistant is quiet: a staff member has taken over")
    for text in said:
        outcome = await request.config_dict[TELEGRAM].send(conversation_id, text)
        if outcome in STATUS:
            raise ApiError(STATUS[outcome], outcome, "the person cannot be reached")
        if outcome != "delivered":
            raise ApiError(503, "unavailable", "the Telegram gateway could not deliver it")
    log.info("a reminder was delivered (%d messages)", len(said))
    return web.json_response({"status": "delivered", "messages": len(said)}, status=202)

