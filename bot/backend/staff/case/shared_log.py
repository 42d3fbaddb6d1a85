"""A log the person chose to share: read on the case page, and a report added for them.

The action server owns the log (actions/caselog/); the backend reads it, and adds a report
a staff member made on the person's behalf, with its own token (CASE_LOG_STAFF_TOKEN) at
bot.contract.CASE_LOG_PATH. The action server answers only if the person shared it, so
the case page shows it only then, read-only. Each reading and each addition is audited;
nothing of the content is logged or kept here.

    POST /staff/cases/{id}/log_report   the holder adds {to, reference, at}: 303 back to
                                        the case page (?log=added), or 422 / 503 in words
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import aiohttp
from aiohttp import web

from bot.backend.keys import FORM
from bot.backend.staff import auditing
from bot.backend.staff.case.guard import open_case
from bot.backend.storage.models import Referral
from bot.backend.web.validation import ValidationError, text
from bot.contract import CASE_LOG_PATH

if TYPE_CHECKING:
    from bot.backend.staff.case.actions import CaseAction

MAX_BYTES = 512 * 1024
REFUSED = {"empty": "Say whom the report went to.", "too_long": "That is too long.",
           "in_the_future": "That date is in the future.",
           "log_full": "Their log is full."}


@dataclass(frozen=True)
class LogLine:
    """One entry of a shared log, as the person sees it."""

    number: int
    kind: str
    text: str


class SharedLogs:
    """The action server's routes for shared logs; off without its URL and token."""

    def __init__(self, http: aiohttp.ClientSession, actions_url: str | None,
                 token: str | None, timeout_seconds: float = 10.0) -> None:
        self._http = http
        self._url = (actions_url or "").rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    def _address(self, conversation_id: str, tail: str = "") -> str:
        return f"{self._url}{CASE_LOG_PATH}{quote(conversation_id, safe='')}{tail}"

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    async def read(self, conversation_id: str) -> list[LogLine] | None:
        """The shared log's lines; None when it is not shared (or cannot be read)."""
        if not self._url or not self._token:
            return None
        try:
            async with self._http.get(self._address(conversation_id), headers=self._headers,
                                      timeout=self._timeout, allow_redirects=False) as response:
                if response.status != 200:
                    return None
                data: Any = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return None
        entries = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            return None
        return [LogLine(int(e["number"]), str(e["kind"]), str(e["text"])) for e in entries
                if isinstance(e, dict) and isinstance(e.get("number"), int)]

    async def cancel_reminders(self, conversation_id: str) -> bool:
        """The person cleared their chat: no reminder may follow. True once done."""
        if not self._url or not self._token:
            return False
        try:
            async with self._http.post(self._address(conversation_id, "/reminders/cancel"),
                                       headers=self._headers, timeout=self._timeout,
                                       allow_redirects=False) as response:
                return response.status == 204
        except (aiohttp.ClientError, TimeoutError):
            return False

    async def add_report(self, conversation_id: str, report: dict[str, Any]) -> int | str:
        """The new entry's number, or why not ("not_shared", "unavailable", a reason)."""
        if not self._url or not self._token:
            return "unavailable"
        try:
            async with self._http.post(self._address(conversation_id, "/reports"), json=report,
                                       headers=self._headers, timeout=self._timeout,
                                       allow_redirects=False) as response:
                data: Any = await response.json(content_type=None)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return "unavailable"
        if status == 201 and isinstance(data, dict) and isinstance(data.get("number"), int):
            return data["number"]
        if status == 404:
            return "not_shared"
        return str(data.get("error", "unavailable")) if isinstance(data, dict) else "unavailable"


SHARED_LOGS = web.AppKey("shared_logs", SharedLogs)


async def add_report(request: web.Request, action: CaseAction) -> web.StreamResponse:
    """POST /staff/cases/{handoff_id}/log_report: a report made for the person."""
    form = request[FORM]
    try:
        to = text(form.get("to", ""), "recipient", max_length=200)
        reference = (text(form["reference"], "reference", max_length=200)
                     if form.get("reference", "").strip() else None)
        at = form.get("at", "").strip() or None
        if at:
            dt.date.fromisoformat(at)
    except (ValidationError, ValueError):
        raise web.HTTPUnprocessableEntity(
            text="Say whom the report went to (and its reference and date, if any).") from None
    async with open_case(request, action.audit_name, action.who, rule=action.rule) as case:
        referral = await case.session.get_one(Referral, case.handoff.referral_id)
        conversation_id = case.vault.decrypt(referral.conversation_id_enc)
        case_id = case.handoff.id
    outcome = await request.config_dict[SHARED_LOGS].add_report(
        conversation_id, {"to": to, "reference": reference, "at": at})
    await auditing.record(request, action.audit_name, object_type="handoff", object_id=case_id,
                          detail=f"entry={outcome}" if isinstance(outcome, int)
                          else f"refused={outcome}")
    if isinstance(outcome, int):
        raise web.HTTPSeeOther(f"/staff/cases/{case_id}?log=added")
    if outcome == "unavailable":
        raise web.HTTPServiceUnavailable(text="Their log could not be reached. Try again.")
    if outcome == "not_shared":
        raise web.HTTPConflict(text="They no longer share their log.")
    raise web.HTTPUnprocessableEntity(text=REFUSED.get(outcome, "That report was refused."))
