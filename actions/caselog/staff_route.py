"""The action server's routes for the charity's team: a log the person chose to share.

    GET  /case-logs/<conversation_id>           the log, read-only, as numbered lines
    POST /case-logs/<conversation_id>/reports   {"to": "...", "reference": "...",
                                                 "at": "YYYY-MM-DD", "place": 3}
        a report a staff member made for the person; it joins their log, marked as the
        team's (201 {"number": n}; 422 with the refused field)
    POST /case-logs/<conversation_id>/reminders/cancel
        the person cleared their Telegram chat: their reminders go (204), shared or not
    Authorization: Bearer CASE_LOG_STAFF_TOKEN (the backend's; 401 without it). The first
    two answer 404 unless the person shared their log (sharing.py), so a token alone
    reads nothing the person did not agree to. Nothing of the content is logged.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any, Callable, Optional

from actions.caselog.case_file import CaseFile
from actions.caselog.field_rules import FieldError
from actions.caselog.log_store import LogFull
from bot.contract import CASE_LOG_PATH

logger = logging.getLogger(__name__)
MAX_CONVERSATION_ID = 255
REPORT_FIELDS = ("to", "reference", "at", "place")


def _authorised(request: Any, expected: Optional[str]) -> bool:
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode("utf-8", "replace"), (expected or "").encode("utf-8"))


def add_staff_routes(app: Any, token: Optional[str], case_file: Callable[[], CaseFile]) -> None:
    """Adds both routes to rasa-sdk's Sanic app."""
    from sanic import response

    def refused(request: Any, conversation_id: str) -> Optional[Any]:
        if not _authorised(request, token):
            return response.json({"error": "unauthorized"}, status=401)
        if not conversation_id or len(conversation_id) > MAX_CONVERSATION_ID:
            return response.json({"error": "not_found"}, status=404)
        return None

    @app.get(CASE_LOG_PATH + "<conversation_id>", name="case_log_shared")
    async def shared_log(request: Any, conversation_id: str) -> Any:
        problem = refused(request, conversation_id)
        if problem is not None:
            return problem
        lines = await asyncio.to_thread(_lines, case_file(), conversation_id)
        if lines is None:
            return response.json({"error": "not_found"}, status=404)
        logger.info("a shared log was read by the team (%d entries)", len(lines))
        return response.json({"entries": lines})

    @app.post(CASE_LOG_PATH + "<conversation_id>/reminders/cancel",
              name="case_log_cancel_reminders")
    async def cancel_reminders(request: Any, conversation_id: str) -> Any:
        problem = refused(request, conversation_id)
        if problem is not None:
            return problem
        count = await asyncio.to_thread(case_file().reminders.cancel_all, conversation_id)
        logger.info("reminders cancelled after the chat was cleared (%d)", count)
        return response.empty(status=204)

    @app.post(CASE_LOG_PATH + "<conversation_id>/reports", name="case_log_team_report")
    async def team_report(request: Any, conversation_id: str) -> Any:
        problem = refused(request, conversation_id)
        if problem is not None:
            return problem
        body = request.json if isinstance(request.json, dict) else None
        if body is None or set(body) - set(REPORT_FIELDS):
            return response.json({"error": "invalid", "field": "body"}, status=422)
        try:
            number = await asyncio.to_thread(_add_report, case_file(), conversation_id, body)
        except FieldError as error:
            return response.json({"error": error.reason, "field": error.field}, status=422)
        except LogFull:
            return response.json({"error": "log_full", "field": "log"}, status=422)
        if number is None:
            return response.json({"error": "not_found"}, status=404)
        logger.info("the team added a report to a shared log")
        return response.json({"number": number}, status=201)


def _lines(case_file: CaseFile, conversation_id: str) -> Optional[list]:
    from actions.case_log_chat import describe  # the person's own wording of each entry
    if not case_file.sharing.is_shared(conversation_id):
        return None
    return [{"number": e.number, "kind": e.kind, "text": describe(e)}
            for e in case_file.log.entries(conversation_id)]


def _add_report(case_file: CaseFile, conversation_id: str, body: dict) -> Optional[int]:
    if not case_file.sharing.is_shared(conversation_id):
        return None
    values = {name: body[name] for name in REPORT_FIELDS if body.get(name) not in (None, "")}
    if not values.get("to"):
        raise FieldError("to", "empty")
    return case_file.log.add(conversation_id, "report", {**values, "made_by": "team"}).number
