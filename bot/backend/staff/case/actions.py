"""Every action staff can take on a case, in one table: its route, who may take it (policy),
when (workflow), what it does (its handler) and its button on the case page.

    POST /staff/cases/{handoff_id}/{name}     one route per row, named case_{name}

Adding a case action is one row here and its handler: a step in steps.py for a change to
the database alone, or a handler of its own (as takeover.py's) for one that also talks to
Rasa or the person. The case page shows a row's button where `button` says, when the
signed-in staff member may take it now (`allowed`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from bot.backend.staff.case import policy, shared_log, steps, takeover
from bot.backend.staff.case.policy import Who
from bot.backend.staff.case.workflow import ANY_STATUS, WORKING, Rule, allows
from bot.backend.storage.models import Handoff, StaffUser
from bot.backend.storage.vocab import OPEN_STATUSES

# A POST handler: the request, and the row it serves.
Handler = Callable[[web.Request, "CaseAction"], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class CaseAction:
    """One row of the table."""

    name: str
    label: str
    who: Who
    rule: Rule
    handler: Handler
    # Where the case page shows it: "actions" (a plain button in the actions section),
    # "resolve" and "reassign" (forms there), "notes", "live" (the live conversation),
    # "log" (the log the person shared).
    button: str

    @property
    def audit_name(self) -> str:
        """How the audit log names it, done or refused."""
        return f"case.{self.name}"

    def allowed(self, user: StaffUser, handoff: Handoff) -> bool:
        """Whether this staff member may take it on this case now (policy and workflow)."""
        return self.who(user, handoff) and allows(handoff, self.rule)


CASE_ACTIONS: dict[str, CaseAction] = {action.name: action for action in (
    CaseAction("claim", "Claim", policy.unheld_or_holder,
               Rule(("new",), "Only a new case can be claimed."),
               steps.in_one_transaction(steps.claim), "actions"),
    CaseAction("start", "Mark in progress", policy.unheld_or_holder,
               Rule(("claimed",), "Only a claimed case can be marked in progress."),
               steps.in_one_transaction(steps.start), "actions"),
    CaseAction("release", "Release to the queue", policy.holder_or_supervisor,
               Rule(WORKING, "Only a claimed or in-progress case can be released.",
                    during_takeover=False),
               steps.in_one_transaction(steps.release), "actions"),
    CaseAction("resolve", "Resolve", policy.unheld_or_holder,
               Rule(WORKING, "Only a claimed or in-progress case can be resolved.",
                    during_takeover=False),
               steps.in_one_transaction(steps.resolve), "resolve"),
    CaseAction("note", "Add note", policy.unheld_or_holder,
               Rule(WORKING, "Notes can be added while a case is claimed or in progress."),
               steps.in_one_transaction(steps.note), "notes"),
    CaseAction("reassign", "Reassign", policy.supervisor,
               Rule(OPEN_STATUSES, "Only an open case can be reassigned."),
               steps.in_one_transaction(steps.reassign), "reassign"),
    CaseAction("takeover", "Take over the conversation", policy.holder,
               Rule(WORKING, "Only a claimed or in-progress case can be taken over.",
                    during_takeover=False,
                    taken_over_refusal="The conversation is already taken over."),
               takeover.take_over, "live"),
    CaseAction("reply", "Send", policy.holder,
               Rule(ANY_STATUS, "Take over the conversation before writing in it.",
                    during_takeover=True),
               takeover.reply, "live"),
    CaseAction("end_takeover", "End takeover", policy.holder,
               Rule(ANY_STATUS, "The conversation is not taken over.", during_takeover=True),
               takeover.end_takeover, "live"),
    CaseAction("log_report", "Add to their log", policy.holder,
               Rule(WORKING, "Reports can be added while a case is claimed or in progress."),
               shared_log.add_report, "log"),
)}


def allowed_actions(user: StaffUser, handoff: Handoff) -> frozenset[str]:
    """The names of the actions this staff member may take on this case now."""
    return frozenset(name for name, action in CASE_ACTIONS.items()
                     if action.allowed(user, handoff))


def add_routes(router: web.UrlDispatcher) -> None:
    """One POST route per row, under the staff sub-app."""
    for action in CASE_ACTIONS.values():
        router.add_post(f"/cases/{{handoff_id}}/{action.name}", _route(action),
                        name=f"case_{action.name}")


def _route(action: CaseAction) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        return await action.handler(request, action)

    handle.__doc__ = f"POST /staff/cases/{{handoff_id}}/{action.name}."
    return handle
