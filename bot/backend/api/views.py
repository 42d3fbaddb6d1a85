"""The ingest API's handlers: thin, so the rules live in ingest.py, conversations.py and
chat/presence.py."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.backend.chat import presence

from bot.backend.api.body import read_json
from bot.backend.api.conversations import withdraw
from bot.backend.api.erasures import erase_or_keep
from bot.backend.api.handoff_limits import held_back
from bot.backend.api.schema import conversation_id, parse_event
from bot.backend.keys import CLOCK, INGEST, SESSIONS, TRACKER, VAULT
from bot.backend.staff.case.shared_log import SHARED_LOGS
from bot.backend.storage import audit
from bot.backend.web.errors import ApiError
from bot.backend.web.validation import ValidationError

log = logging.getLogger(__name__)


async def post_event(request: web.Request) -> web.Response:
    """POST /api/v1/events: 201 when something new was created, 200 for updates and replays;
    `handoff_limited` says why a handoff was not queued (handoff_limits.py)."""
    data = await read_json(request)
    now = request.config_dict[CLOCK]()
    try:
        event = parse_event(data, now)
    except ValidationError as error:
        raise ApiError(422, "invalid", error.message, error.field) from None
    event, limited = await held_back(request, event)
    result = await request.config_dict[INGEST].submit(event)
    body = {
        "id": str(result.event_id),
        "referral_id": str(result.referral_id),
        "handoff_id": None if result.handoff_id is None else str(result.handoff_id),
    }
    if limited is not None:
        body["handoff_limited"] = limited
    return web.json_response(body, status=201 if result.created else 200)


async def delete_conversation(request: web.Request) -> web.Response:
    """DELETE /api/v1/conversations/{id}: erase it; 204 even when nothing was held. 503
    when it failed: the request is kept and retried here too (erasures.py)."""
    config = request.config_dict
    if not await erase_or_keep(config[SESSIONS], config[VAULT], config[TRACKER],
                               _conversation_id(request), config[CLOCK]()):
        response = web.json_response({"error": "unavailable", "message":
                                      "the erasure failed; it is kept and retried"},
                                     status=503)
        response.headers["Retry-After"] = "30"
        return response
    return web.Response(status=204)


async def withdraw_handoff(request: web.Request) -> web.Response:
    """POST /api/v1/conversations/{id}/withdraw: the victim withdrew their request."""
    config = request.config_dict
    result = await withdraw(config[SESSIONS], config[VAULT], _conversation_id(request),
                            config[CLOCK]())
    if result is None:
        raise ApiError(404, "not_found", "no referral is held for this conversation")
    return web.json_response({
        "referral_id": str(result.referral_id),
        "handoff_id": None if result.handoff_id is None else str(result.handoff_id),
        "status": None if result.handoff_id is None else "withdrawn",
    })


async def person_left(request: web.Request) -> web.Response:
    """POST /api/v1/conversations/{id}/left: the person cleared or deleted their chat (the
    Telegram gateway calls this on /clear and /delete); their reminders are cancelled
    too. No body; 204 whether or not anything is held, so a gateway need not know."""
    conversation = _conversation_id(request)
    await presence.person_left(request.config_dict, conversation, audit.SERVICE, "api")
    if conversation.startswith("tg-") and not await request.config_dict[SHARED_LOGS] \
            .cancel_reminders(conversation):
        log.warning("reminders were not cancelled for a person who left")
    return web.Response(status=204)


def _conversation_id(request: web.Request) -> str:
    try:
        return conversation_id(request.match_info["conversation_id"])
    except ValidationError as error:
        raise ApiError(400, "invalid", error.message, error.field) from None
