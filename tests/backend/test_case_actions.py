"""The table of case actions (staff/case/actions.py) drives the routes, the policy, the
workflow and the buttons: checked here row by row, without a database or a browser (the
HTTP behaviour of each action is in test_case_page.py and test_takeover.py)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from aiohttp import web

from bot.backend.staff.case import actions, policy, workflow
from bot.backend.staff.case.actions import CASE_ACTIONS, CaseAction, allowed_actions
from bot.backend.staff.routes import create_app
from bot.backend.storage.models import Handoff, StaffUser

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
ME, OTHER = uuid.uuid4(), uuid.uuid4()
# What the workflow allows, written out: (status, taken over) -> the actions it allows.
WORKFLOW = {
    ("new", False): {"claim", "reassign"},
    ("claimed", False): {"start", "release", "resolve", "note", "reassign", "takeover",
                         "log_report"},
    ("in_progress", False): {"release", "resolve", "note", "reassign", "takeover",
                             "log_report"},
    ("claimed", True): {"start", "note", "reassign", "reply", "end_takeover", "log_report"},
    ("in_progress", True): {"note", "reassign", "reply", "end_takeover", "log_report"},
    ("resolved", False): set(),
    ("withdrawn", False): set(),
    ("withdrawn", True): {"reply", "end_takeover"},
}
# Who may act, whatever the status: (role, whose case) -> the actions the policy allows.
POLICY = {
    ("advisor", None): {"claim", "start", "release", "resolve", "note"},
    ("advisor", "mine"): {"claim", "start", "release", "resolve", "note", "takeover", "reply",
                          "end_takeover", "log_report"},
    ("advisor", "theirs"): set(),
    ("supervisor", None): {"claim", "start", "release", "resolve", "note", "reassign"},
    ("supervisor", "theirs"): {"release", "reassign"},
    ("admin", "mine"): set(CASE_ACTIONS),
}


def handoff(status: str = "claimed", taken_over: bool = False,
            holder: uuid.UUID | None = ME) -> Handoff:
    return Handoff(id=uuid.uuid4(), status=status, assignee_id=holder,
                   takeover_at=NOW if taken_over else None)


def user(role: str = "advisor") -> StaffUser:
    return StaffUser(id=ME, role=role, active=True)


@pytest.mark.parametrize(("state", "expected"), WORKFLOW.items())
def test_each_rows_rule_allows_what_the_workflow_says(state, expected):
    case = handoff(*state)
    assert {name for name, a in CASE_ACTIONS.items() if workflow.allows(case, a.rule)} == expected


@pytest.mark.parametrize(("who", "expected"), POLICY.items())
def test_each_rows_policy_allows_whose_case_it_is(who, expected):
    role, whose = who
    holder = {None: None, "mine": ME, "theirs": OTHER}[whose]
    case = handoff(holder=holder)
    assert {name for name, a in CASE_ACTIONS.items() if a.who(user(role), case)} == expected
    assert policy.can_view(user(role), case) == (whose != "theirs" or role != "advisor")


def test_allowed_actions_need_both_the_policy_and_the_workflow():
    assert allowed_actions(user(), handoff("claimed", holder=ME)) == {
        "start", "release", "resolve", "note", "takeover", "log_report"}
    assert allowed_actions(user(), handoff("new", holder=None)) == {"claim"}
    assert allowed_actions(user(), handoff("claimed", holder=OTHER)) == frozenset()


def test_a_refused_status_gives_the_rows_own_words():
    with pytest.raises(workflow.TransitionError, match="Only a new case can be claimed"):
        workflow.require(handoff("claimed"), CASE_ACTIONS["claim"].rule)
    with pytest.raises(workflow.TransitionError, match="already taken over"):
        workflow.require(handoff("claimed", taken_over=True), CASE_ACTIONS["takeover"].rule)
    with pytest.raises(workflow.TransitionError, match="end the takeover first"):
        workflow.require(handoff("claimed", taken_over=True), CASE_ACTIONS["resolve"].rule)
    workflow.require(handoff("claimed"), CASE_ACTIONS["resolve"].rule)


def test_every_row_has_its_post_route_and_a_button_place():
    routes = {route.name: route for route in create_app().router.routes() if route.name}
    for name, action in CASE_ACTIONS.items():
        route = routes[f"case_{name}"]
        assert route.method == "POST"
        assert route.resource.canonical == f"/cases/{{handoff_id}}/{name}"
        assert action.audit_name == f"case.{name}"
        assert action.button in ("actions", "resolve", "reassign", "notes", "live", "log")
        assert action.label


async def test_adding_a_case_action_is_one_row_and_its_handler(monkeypatch):
    async def flag(request: web.Request, action: CaseAction) -> web.StreamResponse:
        return web.Response(text=action.name)

    row = CaseAction("flag", "Flag for review", policy.unheld_or_holder,
                     workflow.Rule(workflow.WORKING, "Only a case being worked can be flagged."),
                     flag, "actions")
    monkeypatch.setitem(CASE_ACTIONS, "flag", row)
    router = web.UrlDispatcher()
    actions.add_routes(router)
    added = [r for r in router.routes() if r.name == "case_flag"]
    assert len(added) == 1 and added[0].resource.canonical == "/cases/{handoff_id}/flag"
    assert "flag" in allowed_actions(user(), handoff("in_progress"))
    assert "flag" not in allowed_actions(user(), handoff("new", holder=None))
