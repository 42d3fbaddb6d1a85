"""Every way in from outside, each one function that sends a corpus input and reports the
answer and what was stored (tests/corpus/contract.py judges it).

Adding an entry point is one function here, registered with `@entry_point(name)`; give
`service=` a factory (e.g. `stack.telegram_service`) when it needs its own process, and
the suite starts it with the rest (its settings go in the cluster's environment, in
tests/corpus/conftest.py, as the Telegram gateway's do). Return None when an input does
not apply to the entry point (the case is skipped).

Event channels (socket.io, the Telegram gateway, the web chat relay) have no HTTP answer to
a message: their status is 200 when something came back, None when nothing did, and a
refusal's own status (the webhook's 4xx; for the relay, a clean close as 400/403/413, any
other close as 500).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import quote, quote_from_bytes

import aiohttp
from yarl import URL

from bot.backend.chat.tokens import sender_id
from bot.bench.production import Cluster, fetch_all
from bot.telegram.ids import ConversationIds
from bot.telegram.settings import Settings
from bot.tools import stack
from tests.corpus import telegram_client as tg
from tests.corpus.contract import Answer
from tests.corpus.dashboard import StaffSession, csrf_token, handoff_event
from tests.corpus.inputs import BadInput
from tests.corpus.socketio_client import SocketChat, fresh_session_id, send_raw_polling
from tests.corpus.widget_client import WidgetSocket
from tests.telegram.fake_bot_api import FakeBotApi


@dataclass
class Context:
    cluster: Cluster
    http: aiohttp.ClientSession
    # The fake Telegram Bot API the gateway talks to.
    bot_api: Optional[FakeBotApi] = None
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


@entry_point("Telegram gateway", service=stack.telegram_service)
async def telegram_gateway(ctx: Context, item: BadInput) -> Optional[Answer]:
    """The content is a message a new person sends the bot, in an update posted to the
    webhook with its secret; the replies are what the bot then sent to that chat. A forged
    id is the callback data of a press on a button of ours, and first the secret token of
    the same update, which must be refused (403) whatever it is."""
    assert ctx.bot_api is not None, "the fake Bot API is not running"
    env = ctx.cluster.env
    bot, url = ctx.bot_api.bot(tg.TOKEN), env["TELEGRAM_GATEWAY_URL"]
    chat = tg.new_chat(bot)
    if item.forged:
        body = tg.encoded(tg.button_press(chat, tg.keyboard_message(chat), item.ident))
        ident = str(item.ident)
        forged = ident if isinstance(item.ident, (str, int)) and "\x00" not in ident else None
        status, text = await tg.post_update(ctx.http, url, body, forged)
        assert status == 403, f"an update without the right secret got {status}: {text[:200]}"
    else:
        update = chat.message_update({"text": "@TEXT@"})
        body = tg.encoded(update).replace(b'"@TEXT@"', json_string(item))
    before, calls = len(chat.bot_messages()), len(bot.calls_to("sendMessage", chat.id))
    status, text = await tg.post_update(ctx.http, url, body, env["TELEGRAM_WEBHOOK_SECRET"])
    # A refused update was not queued: nothing can follow it.
    messages = (await tg.new_messages(chat, before, 5.0 if item.forged else 30.0)
                if status < 300 else [])
    sent = len(bot.calls_to("sendMessage", chat.id)) - calls
    assert sent == len(messages), f"Telegram refused {sent - len(messages)} of the bot's messages"
    assert not bot.violations, bot.violations
    stored = tracker_rows(ctx, ConversationIds(Settings.from_env(env).id_key).for_chat(chat.id))
    if status >= 300:
        return Answer(status, [], text, stored)
    return Answer(200 if messages else None, [m.text for m in messages], text, stored)


@entry_point("web chat relay")
async def web_chat_relay(ctx: Context, item: BadInput) -> Optional[Answer]:
    """The content is a message frame, after a hello that got a signed session; bytes that
    are not UTF-8 go in the text frame as they are. A forged id is the session the hello
    presents (to be refused), and a message follows. Unless the relay closed it cleanly,
    the connection must then still answer a well-formed message (in a new session if the
    hello was refused)."""
    async with WidgetSocket(ctx.http, ctx.cluster.env["BACKEND_URL"]) as chat:
        if item.forged:
            refused = await chat.hello(item.ident, within=5.0)
            assert chat.sender is None, "a forged session was accepted"
            sender: Any = sender_id(str(item.ident))
            turn = await chat.say(item.text, 5.0)
            turn.frames[:0] = refused.frames
            greeted: List[str] = []
        else:
            await chat.hello()
            assert chat.sender, "no session was issued"
            sender = chat.sender
            # The relay welcomes a new session itself: that is stored before the input.
            greeted = tracker_rows(ctx, sender)
            frame = b'{"type": "message", "text": %s}' % json_string(item)
            turn = await chat.send_text(frame, 30.0)
        stored = tracker_rows(ctx, sender)[len(greeted):]
        if turn.close_code is None:
            if chat.sender is None:
                await chat.hello()
            alive = await chat.say("hi", 30.0)
            assert alive.has("message", **{"from": "assistant"}), "the connection stopped answering"
    body = f"The chat closed the connection ({turn.close_code})." if turn.close_code else ""
    return Answer(turn.status, turn.shown, body, stored)
