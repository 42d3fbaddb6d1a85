"""The dashboard as a sub-app mounted at /staff/, behind the session and CSRF middlewares."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.backend.staff import account, audit_page, directory_page, login, mfa, queue, stats

from bot.backend.staff.case import actions, live_feed, page
from bot.backend.staff.middlewares import require_csrf_token, require_session

STATIC = Path(__file__).resolve().parent.parent / "static"


async def home(_request: web.Request) -> web.StreamResponse:
    """GET /staff/: the queue is the dashboard's front page."""
    raise web.HTTPSeeOther("/staff/queue")


def create_app() -> web.Application:
    """The /staff/ sub-app."""
    app = web.Application(middlewares=[require_session, require_csrf_token])
    router = app.router
    router.add_get("/", home, name="home")
    router.add_get("/login", login.login_page, name="login")
    router.add_post("/login", login.login_submit, name="login_submit")
    router.add_post("/logout", login.logout, name="logout")
    router.add_get("/mfa", mfa.mfa_page, name="mfa")
    router.add_post("/mfa", mfa.mfa_submit, name="mfa_submit")
    router.add_get("/mfa/enrol", mfa.enrol_page, name="enrol")
    router.add_post("/mfa/enrol", mfa.enrol_submit, name="enrol_submit")
    router.add_get("/queue", queue.queue_page, name="queue")
    router.add_get("/cases/{handoff_id}", page.case_page, name="case")
    actions.add_routes(router)  # one POST route per case action
    router.add_get("/cases/{handoff_id}/live", live_feed.live_feed, name="case_live")
    router.add_get("/stats", stats.stats_page, name="stats")
    router.add_get("/stats.csv", stats.stats_csv, name="stats_csv")
    router.add_get("/audit", audit_page.audit_page, name="audit")
    router.add_get("/directory", directory_page.directory_page, name="directory")
    router.add_get("/account", account.account_page, name="account")
    router.add_post("/account/password", account.change_password, name="account_password")
    router.add_post("/account/sessions/end", account.end_sessions, name="account_sessions_end")
    router.add_post("/account/recovery-codes", account.new_recovery_codes,
                    name="account_recovery_codes")
    router.add_static("/static/", STATIC, name="static")
    return app
