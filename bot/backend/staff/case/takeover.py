"""Live takeover: the case holder talks to the person in place of the assistant.

    POST /staff/cases/{id}/takeover       `human_takeover` on; "someone has joined"
    POST /staff/cases/{id}/reply          a message from the staff member (≤2,000 characters)
    POST /staff/cases/{id}/end_takeover   `human_takeover` off; "the assistant is back"

Rasa is written first (the slot, and the words as a bot event whose metadata names the
staff role, never a name or contact details), because the transcript is the record of
what the person was sent; then the words go out on the person's channel; then the
delivery is audited. While the slot is set, the TakeoverPolicy keeps the assistant quiet
except for crisis replies. Every reply sets the slot again, so a conversation whose Rasa
session restarted (after an hour's silence) is quiet again as soon as staff speak.

Only the holder may do any of this (policy.holder, in its row of actions.py). A person
who has left (quick exit, Telegram /clear or /delete) is sent nothing more unless they
write again. The forms work without JavaScript (303 back to the case page, the outcome
named in `?sent=`); live.js asks for JSON instead, so the page need not reload.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.backend.chat import presence
from bot.backend.chat.delivery import OUTCOMES, channel_of, deliver
from bot.backend.chat.rasa_client import RasaUnavailable
from bot.backend.keys import CHAT, CLOCK, FORM, RASA, SESSIONS, TELEGRAM, USER
from bot.backend.staff import auditing
from bot.backend.staff.case import workflow
from bot.backend.staff.case.guard import open_case
from bot.backend.staff.case.notices import END_TEXT, join_text
from bot.backend.storage.models import Handoff, Referral
from bot.backend.web.validation import ValidationError, text
from bot.contract import TAKEOVER_KEY, TAKEOVER_ROLE_KEY, TAKEOVER_SLOT

if TYPE_CHECKING:
    from bot.backend.staff.case.actions import CaseAction

MESSAGE_MAX = 2000
NAME_MAX = 30
# A first name: letters, with single spaces, hyphens or apostrophes between them.
_FIRST_NAME = re.compile(r"^[^\W\d_]+(?:[ '’-][^\W\d_]+)*$")
UNREACHABLE = ("The assistant's server could not be reached, so nothing was changed or "
               "sent. Try again in a moment.")


@dataclass(frozen=True)
class _Case:
    """What an action needs to know about the case, read under its row lock."""

    id: uuid.UUID
    conversation_id: str
    jurisdiction: str | None
    left_at: dt.datetime | None
    taken_over: bool


async def take_over(request: web.Request, action: CaseAction) -> web.StreamResponse:
    """POST /staff/cases/{handoff_id}/takeover."""
    name = _first_name(request[FORM].get("name", ""))
    if await _person_away(request, await _case(request, action)):
        raise web.HTTPConflict(text="They left the conversation, so nobody can join it "
                                    "unless they write again.")
    case = await _case(request, action, workflow.start_takeover, check_status=True)
    role = request[USER].role
    notice = join_text(role, name, case.jurisdiction)
    try:
        await request.config_dict[RASA].append(case.conversation_id, [
            _slot(True), _bot(notice, "join", role)])
    except RasaUnavailable:
        await _undo_takeover(request, case)
        raise web.HTTPServiceUnavailable(text=UNREACHABLE) from None
    outcome = await _deliver(request, case, notice, "notice")
    await _audit(request, "takeover.notice", case, outcome)
    return _respond(request, case, outcome)


async def reply(request: web.Request, action: CaseAction) -> web.StreamResponse:
    """POST /staff/cases/{handoff_id}/reply; answers JSON to live.js, so a case not taken
    over is this handler's own 409 rather than the guard's."""
    try:
        words = text(request[FORM].get("body", ""), "message", max_length=MESSAGE_MAX,
                     multiline=True)
    except ValidationError as error:
        return _problem(request, 422, f"The message {error.message}.")
    case = await _case(request, action)
    if not case.taken_over:
        return _problem(request, 409, action.rule.refusal)
    if await _person_away(request, case):
        await _audit(request, "takeover.reply", case, "left", outcome="refused")
        return _respond(request, case, "left", status=409)
    role = request[USER].role
    try:
        await request.config_dict[RASA].append(case.conversation_id, [
            _slot(True), _bot(words, "reply", role)])
    except RasaUnavailable:
        await _audit(request, "takeover.reply", case, "none", outcome="failed")
        return _problem(request, 503, UNREACHABLE)
    outcome = await _deliver(request, case, words, "team")
    await _audit(request, "takeover.reply", case, outcome)
    return _respond(request, case, outcome)


async def end_takeover(request: web.Request, action: CaseAction) -> web.StreamResponse:
    """POST /staff/cases/{handoff_id}/end_takeover; also mends a conversation left paused
    that the database does not count as taken over (a start that failed half-way), so the
    workflow rule is not checked: Rasa's slot is."""
    case = await _case(request, action)
    if not case.taken_over:
        transcript = await request.config_dict[RASA].transcript(case.conversation_id)
        if not transcript.paused:
            raise web.HTTPConflict(text=action.rule.refusal)
    try:
        await request.config_dict[RASA].append(case.conversation_id, [
            _slot(False), _bot(END_TEXT, "end", request[USER].role)])
    except RasaUnavailable:
        await _audit(request, "case.end_takeover", case, "none", outcome="failed")
        raise web.HTTPServiceUnavailable(
            text="The assistant's server could not be reached, so the assistant is still "
                 "quiet in this conversation. Try again in a moment.") from None
    await _case(request, action, workflow.end_takeover)
    away = await _person_away(request, case)
    outcome = "left" if away else await _deliver(request, case, END_TEXT, "notice")
    await _audit(request, "takeover.notice", case, outcome)
    return _respond(request, case, outcome)


async def _case(
    request: web.Request, action: CaseAction,
    change: Callable[[Handoff, dt.datetime], None] | None = None, check_status: bool = False,
) -> _Case:
    """The case, opened through the guard (a refusal is audited: 403; with `check_status`,
    the row's workflow rule is checked: 409) and, with `change`, changed and audited in
    the same transaction."""
    async with open_case(request, action.audit_name, action.who,
                         rule=action.rule if check_status else None) as opened:
        handoff = opened.handoff
        referral = await opened.session.get_one(Referral, handoff.referral_id)
        conversation_id = opened.vault.decrypt(referral.conversation_id_enc)
        if channel_of(conversation_id) is None:
            raise web.HTTPConflict(text="This conversation is not on the web chat or "
                                        "Telegram, so it cannot be taken over.")
        case = _Case(handoff.id, conversation_id, referral.jurisdiction, referral.left_at,
                     handoff.takeover_at is not None)
        if change is not None:
            change(handoff, opened.now)
            opened.audit(action.audit_name)
    return case


async def _undo_takeover(request: web.Request, case: _Case) -> None:
    """Rasa failed: the database forgets the takeover, and in case Rasa did set the slot
    before failing, it is asked to clear it (the case page shows a pause either way)."""
    config = request.config_dict
    async with config[SESSIONS].begin() as session:
        handoff = await session.get(Handoff, case.id, with_for_update=True)
        if handoff is not None:
            workflow.end_takeover(handoff, config[CLOCK]())
    with contextlib.suppress(RasaUnavailable):
        await config[RASA].append(case.conversation_id, [_slot(False)])
    await _audit(request, "case.takeover", case, "none", outcome="failed")


async def _person_away(request: web.Request, case: _Case) -> bool:
    """Left on purpose and not back. A widget session that left never comes back (a new
    visit is a new conversation); on Telegram, writing again is coming back."""
    config = request.config_dict
    if channel_of(case.conversation_id) == "web":
        return case.left_at is not None or config[CHAT].hub.has_left(case.conversation_id)
    if case.left_at is None:
        return False
    transcript = await config[RASA].transcript(case.conversation_id)
    return presence.still_away(case.left_at, transcript.messages)


async def _deliver(request: web.Request, case: _Case, words: str, speaker: str) -> str:
    config = request.config_dict
    return await deliver(config[CHAT].hub, config[TELEGRAM], case.conversation_id, words,
                         speaker)


async def _audit(request: web.Request, action: str, case: _Case, delivery: str,
                 outcome: str = "ok") -> None:
    await auditing.record(request, action, object_type="handoff", object_id=case.id,
                          outcome=outcome, detail=f"delivery={delivery}")


def _first_name(raw: str) -> str | None:
    name = " ".join(raw.split())
    if not name:
        return None
    if len(name) > NAME_MAX or not _FIRST_NAME.match(name):
        raise web.HTTPUnprocessableEntity(
            text=f"Give just a first name (letters only, at most {NAME_MAX} characters), "
                 "or leave it empty.")
    return name


def _slot(on: bool) -> dict[str, Any]:
    return {"event": "slot", "name": TAKEOVER_SLOT, "value": on}


def _bot(words: str, kind: str, role: str) -> dict[str, Any]:
    return {"event": "bot", "text": words, "metadata": {TAKEOVER_KEY: kind, TAKEOVER_ROLE_KEY: role}}


def _wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _respond(request: web.Request, case: _Case, outcome: str,
             status: int = 200) -> web.StreamResponse:
    if _wants_json(request):
        return web.json_response({"outcome": outcome, "message": OUTCOMES[outcome]},
                                 status=status)
    raise web.HTTPSeeOther(f"/staff/cases/{case.id}?sent={outcome}")


def _problem(request: web.Request, status: int, message: str) -> web.StreamResponse:
    if _wants_json(request):
        return web.json_response({"outcome": None, "message": message}, status=status)
    errors: dict[int, type[web.HTTPException]] = {
        409: web.HTTPConflict, 422: web.HTTPUnprocessableEntity,
        503: web.HTTPServiceUnavailable}
    raise errors[status](text=message)
