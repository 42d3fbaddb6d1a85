"""The case page: the referral, the approved summary, notes and the transcript.

Each view is audited. Decrypted fields exist only while the page renders. The transcript
is fetched from Rasa after the database transaction has closed, so a slow Rasa never holds
a database connection. A withdrawn case shows no transcript: the victim withdrew consent.

The page is assembled from one template per section (templates/case/). A conversation
on the web chat or Telegram adds the live section (live_view.py), and only then does the
page load a script (live.js, same origin, allowed by LIVE_PAGE_POLICY).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.backend.storage import audit
from bot.backend.storage.crypto import Vault
from bot.backend.keys import CLOCK, RASA, SESSIONS, SETTINGS, USER, VAULT
from bot.backend.storage.models import Handoff, Note, Referral, StaffUser
from bot.backend.staff.priority import priority_expression
from bot.backend.web.security_headers import LIVE_PAGE_POLICY
from bot.backend.staff import auditing
from bot.backend.staff.case import policy, workflow
from bot.backend.staff.case.live_view import live_view, refresh_presence
from bot.backend.web.templating import render
from bot.backend.chat.transcripts import Transcript
from bot.backend.storage.vocab import OUTCOME_LABELS, WITHDRAWN

ACTIONS = ("claim", "start", "release", "resolve", "note", "reassign")


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


def handoff_id(request: web.Request) -> uuid.UUID:
    """The case id from the URL; anything that is not a UUID is simply not found."""
    try:
        return uuid.UUID(request.match_info["handoff_id"])
    except ValueError:
        raise web.HTTPNotFound() from None


async def case_page(request: web.Request) -> web.StreamResponse:
    """GET /staff/cases/{handoff_id}."""
    config = request.config_dict
    case_id = handoff_id(request)
    now = config[CLOCK]()
    loaded = await _load_visible(request, case_id, now)
    if loaded is None:
        await auditing.deny(request, "case.view", object_type="handoff", object_id=case_id)
    case, conversation_id = loaded
    transcript = Transcript()
    if case.handoff.status != WITHDRAWN:
        transcript = await config[RASA].transcript(conversation_id)
        if transcript.problem is None:
            await auditing.record(request, "transcript.view", object_type="handoff",
                                  object_id=case_id)
    await refresh_presence(request, conversation_id)
    live = live_view(request, case.handoff, case.referral, conversation_id, transcript)
    response = render("case.html", request, {
        "case": case, "transcript": transcript, "now": now, "outcomes": OUTCOME_LABELS,
        "live": live,
    })
    if live is not None:
        response.headers["Content-Security-Policy"] = LIVE_PAGE_POLICY
    return response


async def _load_visible(
    request: web.Request, case_id: uuid.UUID, now: dt.datetime
) -> tuple[CaseView, str] | None:
    """The case and its conversation id (kept off the page), or None if not the user's to see.

    The conversation id is never shown: on some channels it is the secret that lets a
    browser write into the conversation.
    """
    config = request.config_dict
    user = request[USER]
    vault = config[VAULT]
    escalation = dt.timedelta(hours=config[SETTINGS].priority_escalation_hours)
    async with config[SESSIONS].begin() as session:
        handoff = await session.get(Handoff, case_id)
        if handoff is None:
            raise web.HTTPNotFound()
        if not policy.can_view(user, handoff):
            return None
        case = await _load(session, vault, user, handoff, now, escalation)
        audit.record(session, audit.staff(user.id), "case.view", now,
                     object_type="handoff", object_id=handoff.id)
        return case, vault.decrypt(case.referral.conversation_id_enc)


async def _load(
    session: AsyncSession, vault: Vault, user: StaffUser, handoff: Handoff, now: dt.datetime,
    escalation: dt.timedelta,
) -> CaseView:
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
    if policy.can(user, handoff, "reassign"):
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
        allowed=frozenset(action for action in ACTIONS
                          if policy.can(user, handoff, action)
                          and workflow.allows(handoff, action)),
        staff=staff,
    )
