"""The case page: the referral, the approved summary, notes and the transcript.

Each view is audited. Decrypted fields exist only while the page renders. The transcript
is fetched from Rasa after the database transaction has closed, so a slow Rasa never holds
a database connection. A withdrawn case shows no transcript: the victim withdrew consent.

The page is assembled from one template per section (templates/case/); the buttons come
from the table of case actions (actions.py), shown when the staff member may take them
now. A conversation on the web chat or Telegram adds the live section (live_view.py), and
only then does the page load a script (live.js, same origin, allowed by LIVE_PAGE_POLICY).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import select

from bot.backend.chat.transcripts import Transcript
from bot.backend.keys import RASA, SETTINGS
from bot.backend.staff import auditing
from bot.backend.staff.case import policy
from bot.backend.staff.case.actions import CASE_ACTIONS, allowed_actions
from bot.backend.staff.case.guard import OpenCase, open_case
from bot.backend.staff.case.live_view import live_view, refresh_presence
from bot.backend.staff.case.shared_log import SHARED_LOGS
from bot.backend.staff.priority import priority_expression
from bot.backend.storage.models import Handoff, Note, Referral, StaffUser
from bot.backend.storage.vocab import OUTCOME_LABELS, WITHDRAWN
from bot.backend.web.security_headers import LIVE_PAGE_POLICY
from bot.backend.web.templating import render


@dataclass(frozen=True)
class NoteView:
    """A decrypted note."""

    author: str | None
    at: dt.datetime
    body: str


@dataclass(frozen=True)
class CaseView:
    """Everything the case page shows, decrypted."""

    handoff: Handoff
    referral: Referral
    priority: int
    assignee: str | None
    summary: str | None
    contact_details: str | None
    safe_time: str | None
    notes: list[NoteView]
    allowed: frozenset[str]
    staff: list[tuple[uuid.UUID, str]]


async def case_page(request: web.Request) -> web.StreamResponse:
    """GET /staff/cases/{handoff_id}."""
    config = request.config_dict
    escalation = dt.timedelta(hours=config[SETTINGS].priority_escalation_hours)
    # Read without a lock; a staff member who may not see it is refused (403, audited).
    async with open_case(request, "case.view", policy.can_view, lock=False) as opened:
        case = await _load(opened, escalation)
        opened.audit("case.view")
        # Kept off the page: on some channels it is the secret that lets a browser write
        # into the conversation.
        conversation_id = opened.vault.decrypt(case.referral.conversation_id_enc)
    case_id, now = case.handoff.id, opened.now
    transcript = Transcript()
    if case.handoff.status != WITHDRAWN:
        transcript = await config[RASA].transcript(conversation_id)
        if transcript.problem is None:
            await auditing.record(request, "transcript.view", object_type="handoff",
                                  object_id=case_id)
    shared = None
    if case.handoff.status != WITHDRAWN:
        shared = await config[SHARED_LOGS].read(conversation_id)
        if shared is not None:
            await auditing.record(request, "case_log.view", object_type="handoff",
                                  object_id=case_id)
    await refresh_presence(request, conversation_id)
    live = live_view(request, case.handoff, case.referral, conversation_id, transcript)
    response = render("case.html", request, {
        "case": case, "transcript": transcript, "now": now, "outcomes": OUTCOME_LABELS,
        "live": live, "actions": CASE_ACTIONS, "shared_log": shared,
        "log_added": request.query.get("log") == "added",
    })
    if live is not None:
        response.headers["Content-Security-Policy"] = LIVE_PAGE_POLICY
    return response


async def _load(opened: OpenCase, escalation: dt.timedelta) -> CaseView:
    """Everything the page shows, read and decrypted in the guard's transaction."""
    session, vault, user, handoff = opened.session, opened.vault, opened.user, opened.handoff
    now = opened.now
    referral = await session.get_one(Referral, handoff.referral_id)
    priority = (await session.execute(
        select(priority_expression(now, escalation))
        .select_from(Handoff).join(Referral, Handoff.referral_id == Referral.id)
        .where(Handoff.id == handoff.id)
    )).scalar_one()
    assignee = None
    if handoff.assignee_id is not None:
        assignee = await session.scalar(
            select(StaffUser.email).where(StaffUser.id == handoff.assignee_id))
    notes = await session.execute(
        select(Note.created_at, Note.body_enc, StaffUser.email)
        .outerjoin(StaffUser, Note.author_id == StaffUser.id)
        .where(Note.handoff_id == handoff.id)
        .order_by(Note.created_at, Note.id)
    )
    staff: list[tuple[uuid.UUID, str]] = []
    if CASE_ACTIONS["reassign"].who(user, handoff):
        rows = await session.execute(select(StaffUser.id, StaffUser.email)
                                     .where(StaffUser.active.is_(True))
                                     .order_by(StaffUser.email))
        staff = [(row.id, row.email) for row in rows]
    return CaseView(
        handoff=handoff,
        referral=referral,
        priority=priority,
        assignee=assignee,
        summary=vault.decrypt_optional(handoff.summary_enc),
        contact_details=vault.decrypt_optional(handoff.contact_details_enc),
        safe_time=vault.decrypt_optional(handoff.safe_time_enc),
        notes=[NoteView(email, at, vault.decrypt(body)) for at, body, email in notes],
        # The live section says for itself what may be done there (live_view.py).
        allowed=frozenset(name for name in allowed_actions(user, handoff)
                          if CASE_ACTIONS[name].button != "live"),
        staff=staff,
    )
