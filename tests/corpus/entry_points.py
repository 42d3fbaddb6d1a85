"""Every way in from outside, each one function that sends a corpus input and reports the
answer and what was stored (tests/corpus/contract.py judges it).

Adding an entry point is one function here, registered with `@entry_point(name)`; give
`service=` a factory (e.g. `stack.telegram_service`) when it needs its own process, and
the suite starts it with the rest. For example, the Telegram gateway:

    @entry_point("telegram gateway", service=stack.telegram_service)
    async def telegram_gateway(ctx: Context, item: BadInput) -> Optional[Answer]:
        ...post an update with item.text to the webhook, collect the fake Bot API's
        sendMessage calls as the replies, and the tracker rows of the chat's sender id...

Return None when an input does not apply to the entry point (the case is skipped).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import quote, quote_from_bytes

import aiohttp
from yarl import URL

from bot.bench.production import Cluster, fetch_all
from bot.tools import stack
from tests.corpus.contract import Answer
from tests.corpus.dashboard import StaffSession, csrf_token, handoff_event
from tests.corpus.inputs import BadInput
from tests.corpus.socketio_client import SocketChat, fresh_session_id, send_raw_polling


@dataclass
class Context:
    cluster: Cluster
    http: aiohttp.ClientSession
    # Set-up an entry point makes once and reuses (a signed-in staff session...).
    state: Dict[str, Any] = field(default_factory=dict)

    async def once(self, key: str, make: Callable[[], Awaitable[Any]]) -> Any:
        if key not in self.state:
            self.state[key] = await make()
        return self.state[key]


Send = Callable[[Context, BadInput], Awaitable[Optional[Answer]]]


@dataclass(frozen=True)
class EntryPoint:
    name: str
    send: Send
    service: Optional[Callable[[Dict[str, str]], stack.Service]] = None


ENTRY_POINTS: Dict[str, EntryPoint] = {}


def entry_point(name: str, service: Optional[Callable[[Dict[str, str]], stack.Service]] = None
                ) -> Callable[[Send], Send]:
    def register(send: Send) -> Send:
        ENTRY_POINTS[name] = EntryPoint(name, send, service)
        return send
    return register


def json_string(item: BadInput) -> bytes:
    """The content as a JSON string; bytes that are not UTF-8 are put in as they are."""
    return json.dumps(item.text).encode() if item.raw is None else b'"' + item.raw + b'"'


def tracker_rows(ctx: Context, sender: Any) -> List[str]:
    """What the tracker store holds for a sender id, as raw text."""
    if not isinstance(sender, str) or "\x00" in sender:
        return []  # PostgreSQL text cannot hold it: nothing can be stored under it
    rows = fetch_all(ctx.cluster.env["TRACKER_DATABASE_URL"],
                     "SELECT type_name, intent_name, action_name, data FROM events "
                     "WHERE sender_id = %s", (sender,))
    return [repr(row) for row in rows]


def backend_rows(ctx: Context, sql: str, *params: Any) -> List[str]:
    return [repr(row) for row in fetch_all(ctx.cluster.env["DATABASE_URL"], sql, params)]


@entry_point("REST webhook")
async def rest_webhook(ctx: Context, item: BadInput) -> Optional[Answer]:
    sender = item.ident if item.forged else f"corpus-{uuid.uuid4().hex}"
    body = b'{"sender": %s, "message": %s}' % (json.dumps(sender).encode(), json_string(item))
    async with ctx.http.post(f"{ctx.cluster.rasa_urls[0]}/webhooks/rest/webhook", data=body,
                             headers={"Content-Type": "application/json"}) as response:
        status, text = response.status, await response.text()
    replies = [r.get("text") or "" for r in json.loads(text)] if status == 200 else []
    return Answer(status, replies, text, tracker_rows(ctx, sender))


@entry_point("Rasa socket.io")
async def rasa_socketio(ctx: Context, item: BadInput) -> Optional[Answer]:
    url = ctx.cluster.rasa_urls[0]
    session_id = item.ident if item.forged else fresh_session_id()
    if item.raw is not None:  # not UTF-8: only a crafted polling client can send it
        status, body, replies = await send_raw_polling(ctx.http, url, session_id, item.raw)
        return Answer(status if status >= 400 else (200 if replies else None), replies, body,
                      tracker_rows(ctx, session_id))
    async with SocketChat(ctx.http, url) as chat:
        await chat.session(session_id, within=2.0 if item.forged else 10.0)
        replies = await chat.say(session_id, item.text, 3.0 if item.forged else 30.0)
        alive = fresh_session_id()  # the same connection still serves a well-formed message
        await chat.session(alive)
        assert await chat.say(alive, "hi", 30.0), "the connection stopped answering"
    return Answer(200 if replies else None, replies, "", tracker_rows(ctx, session_id))


@entry_point("ingest API")
async def ingest_api(ctx: Context, item: BadInput) -> Optional[Answer]:
    """The summary of a handoff carries the content; the conversation id is forged."""
    event = handoff_event(conversation_id=item.ident if item.forged else None,
                          summary="@SUMMARY@")
    body = json.dumps(event).encode().replace(b'"@SUMMARY@"', json_string(item))
    env = ctx.cluster.env
    async with ctx.http.post(f"{env['BACKEND_URL']}/api/v1/events", data=body, headers={
            "Authorization": f"Bearer {env['BACKEND_SERVICE_TOKEN']}",
            "Content-Type": "application/json"}) as response:
        status, text = response.status, await response.text()
    if status >= 300:
        stored = backend_rows(ctx, "SELECT id FROM ingest_events WHERE id = %s", event["id"])
        return Answer(status, [], text, stored)
    handoff = json.loads(text)["handoff_id"]
    return Answer(status, [text], text,
                  backend_rows(ctx, "SELECT * FROM handoffs WHERE id = %s", handoff))


@entry_point("dashboard note form")
async def dashboard_note(ctx: Context, item: BadInput) -> Optional[Answer]:
    """A note on the case the staff member holds; a forged id names the case."""
    staff: StaffSession = await ctx.once(
        "staff", lambda: StaffSession.open(ctx.cluster.env))
    case = quote(str(item.ident), safe="") if item.forged else staff.case_id
    form = (f"csrf_token={quote(await staff.token(f'/staff/cases/{staff.case_id}'))}&body="
            .encode() + quote_from_bytes(item.content()).encode())
    notes = "SELECT * FROM notes WHERE handoff_id = %s"
    before = set(backend_rows(ctx, notes, staff.case_id))
    async with staff.http.post(URL(f"{staff.backend}/staff/cases/{case}/note", encoded=True),
                               data=form, allow_redirects=False, headers={
                                   "Content-Type": "application/x-www-form-urlencoded"}
                               ) as response:
        status, body = response.status, await response.text()
    stored = [row for row in backend_rows(ctx, notes, staff.case_id) if row not in before]
    if status != 303:
        return Answer(status, [body] if status < 300 else [], body, stored)
    async with staff.http.get(f"{staff.backend}/staff/cases/{staff.case_id}") as page:
        return Answer(status, [await page.text()], body, stored)


@entry_point("dashboard login form")
async def dashboard_login(ctx: Context, item: BadInput) -> Optional[Answer]:
    """The content is the email and the password; a forged id is the CSRF token."""
    backend = ctx.cluster.env["BACKEND_URL"]
    audit = "SELECT * FROM audit_log"
    before = set(backend_rows(ctx, audit))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        async with browser.get(f"{backend}/staff/login") as page:
            token = csrf_token(await page.text())
        if item.forged:
            token = str(item.ident)
        content = quote_from_bytes(item.content())
        form = f"csrf_token={quote(token)}&email={content}&password={content}".encode()
        async with browser.post(f"{backend}/staff/login", data=form, allow_redirects=False,
                                headers={"Content-Type": "application/x-www-form-urlencoded"}
                                ) as response:
            status, body = response.status, await response.text()
    # Audit entries of the attempt are expected; the submitted words must not be in them.
    marker = item.text.strip()[:20]
    stored = [row for row in backend_rows(ctx, audit)
              if row not in before and len(marker) >= 4 and marker in row]
    return Answer(status, [body] if status < 300 else [], body, stored)
