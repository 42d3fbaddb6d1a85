"""Jinja2 for the dashboard, with autoescaping on for every template.

Plain Jinja2 does not escape by default; here every value is escaped unless a template
says otherwise, and none does, so a victim's message containing HTML or script is shown
as text. Undefined names are errors, not silent blanks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.backend.keys import STAFF_SESSION, USER
from bot.backend.staff.priority import LABELS as PRIORITY_LABELS
from bot.backend.storage.vocab import OUTCOME_LABELS, STATUS_LABELS


def setup_templates(app: web.Application) -> None:
    """Attach the template environment to the app."""
    environment = aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("bot.backend", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # templates ship with the code; no stat() per render
        default_helpers=False,
        filters=FILTERS,
    )
    environment.globals.update(
        priority_labels=PRIORITY_LABELS, status_labels=STATUS_LABELS,
        outcome_labels=OUTCOME_LABELS,
    )


def render(template: str, request: web.Request, context: dict[str, object]) -> web.Response:
    """Render a page with the signed-in user and their CSRF token available to it."""
    staff_session = request.get(STAFF_SESSION)
    return aiohttp_jinja2.render_template(template, request, {
        "user": request.get(USER),
        "signed_in": staff_session is not None and staff_session.mfa_passed,
        "csrf_token": None if staff_session is None else staff_session.csrf_token,
        **context,
    })


def waited(since: dt.datetime, now: dt.datetime) -> str:
    """How long ago, in the two largest units: "2 d 3 h", "45 min"."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def when(moment: dt.datetime | None) -> str:
    """A UTC time staff can read: "2026-11-26 14:03 UTC"."""
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def words(identifier: str | None) -> str:
    """An id shown as words: "ex_partner" → "ex partner"."""
    return "" if identifier is None else identifier.replace("_", " ")


FILTERS: dict[str, Callable[..., str]] = {"waited": waited, "when": when, "words": words}
