"""A fake Telegram Bot API server on loopback, to run the real gateway against.

It answers what the gateway calls (getMe, getUpdates with offsets and long polling,
sendMessage, sendDocument (the file kept, as the chat would show it), sendChatAction,
answerCallbackQuery, editMessageReplyMarkup, deleteMessage,
deleteMessages, setWebhook, deleteWebhook, getWebhookInfo), records every call, and keeps
each private chat as a Telegram client would show it. sendMessage checks what Telegram
checks: text length, HTML that is not escaped, callback data over 64 bytes, unknown chats.
getFile (downloading a person's media), file downloads and unknown methods are recorded as
violations and refused; tests fail if any happened.

The server runs in its own thread's event loop; tests drive it through thread-safe methods:
a `FakeChat` is one person in a private chat with one bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

import aiohttp
from aiohttp import web

from tests.support.servers import BackgroundLoop, free_port

# Values PTB sends as plain strings; everything else is JSON-encoded by PTB.
RAW_PARAMS = {"text", "caption", "secret_token", "url", "callback_query_id", "parse_mode",
              "action", "inline_message_id"}
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Message:
    chat_id: int
    message_id: int
    from_bot: bool
    text: str  # as shown, after HTML parsing
    raw: dict[str, Any]
    reply_markup: dict[str, Any] | None = None
    document: dict[str, Any] | None = None  # a file the bot sent: filename, content
    deleted: bool = False
    at: float = field(default_factory=time.monotonic)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


class FakeBot:
    """The Bot API as one bot (one token) sees it."""

    def __init__(self, api: FakeBotApi, token: str, bot_id: int) -> None:
        self.api, self.token, self.id = api, token, bot_id
        self.lock = threading.RLock()
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.updates: list[dict[str, Any]] = []
        self.update_ids = itertools.count(1000)
        self.messages: dict[tuple[int, int], Message] = {}
        self.message_ids: dict[int, itertools.count] = {}
        self.blocked: set[int] = set()
        self.failures: dict[str, list[ApiError]] = {}
        self.webhook: dict[str, Any] | None = None
        self.webhook_statuses: list[int] = []
        self.new_update = asyncio.Event()  # used in the server's loop only

    # --- what tests see -----------------------------------------------------------------
    def chat(self, chat_id: int) -> FakeChat:
        return FakeChat(self, chat_id)

    def calls_to(self, method: str, chat_id: int | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method
                    and (chat_id is None or c.params.get("chat_id") == chat_id)]

    def fail_next(self, method: str, times: int = 1, code: int = 429,
                  retry_after: int | None = 1, description: str = "") -> None:
        """The next `times` calls to `method` fail as Telegram would."""
        text = description or (f"Too Many Requests: retry after {retry_after}"
                               if code == 429 else "Bad Request")
        with self.lock:
            self.failures.setdefault(method, []).extend(
                ApiError(code, text, retry_after if code == 429 else None)
                for _ in range(times))

    def deliver(self, update: dict[str, Any], times: int = 1) -> list[int]:
        """Delivers an update like Telegram: to the webhook if one is set, else queued for
        getUpdates. Returns the webhook's HTTP statuses (empty when polling)."""
        return self.deliver_all([update] * times)

    def deliver_all(self, updates: list[dict[str, Any]]) -> list[int]:
        """Delivers updates in order; when polling, all in the same getUpdates answer."""
        with self.lock:
            webhook = dict(self.webhook) if self.webhook else None
            if webhook is None:
                self.updates.extend(json.loads(json.dumps(update)) for update in updates)
        if webhook is None:
            self.api.loop.loop.call_soon_threadsafe(self.new_update.set)
            return []
        statuses = [self.api.loop.run(self.api.post_webhook(webhook, update), timeout=30)
                    for update in updates]
        with self.lock:
            self.webhook_statuses.extend(statuses)
        return statuses

    def next_update_id(self) -> int:
        with self.lock:
            return next(self.update_ids)

    def message_id_for(self, chat_id: int) -> int:
        with self.lock:
            return next(self.message_ids.setdefault(chat_id, itertools.count(1)))

    # --- the Bot API --------------------------------------------------------------------
    def handle(self, method: str, params: dict[str, Any]) -> Any:
        with self.lock:
            self.calls.append(Call(method, params))
            queued = self.failures.get(method)
            if queued:
                raise queued.pop(0)
        handler = getattr(self, f"api_{method}", None)
        if method == "getFile":
            self.violations.append("getFile was called: media must never be downloaded")
            raise ApiError(400, "Bad Request: getFile is not allowed in these tests")
        if handler is None:
            self.violations.append(f"unknown method {method}")
            raise ApiError(404, "Not Found")
        return handler(params)

    def user(self, chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "is_bot": False, "first_name": "Person"}

    def me(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": True, "first_name": "Support",
                "username": f"support{self.id}_bot", "can_join_groups": False,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    def api_getMe(self, params: dict[str, Any]) -> Any:
        return self.me()

    def api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        with self.lock:
            self.webhook = None
        return True

    def api_setWebhook(self, params: dict[str, Any]) -> Any:
        with self.lock:
            self.webhook = {"url": params["url"], "secret": params.get("secret_token"),
                            "allowed_updates": params.get("allowed_updates")}
        return True

    def api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        with self.lock:
            return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                    "pending_update_count": len(self.updates)}

    def api_sendChatAction(self, params: dict[str, Any]) -> Any:
        self._chat_must_exist(params["chat_id"])
        return True

    def api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    def api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = params["chat_id"]
        self._chat_must_exist(chat_id)
        text = params.get("text", "")
        if params.get("parse_mode") == "HTML":
            if "<" in text or ">" in text or "&" in _ENTITY.sub("", text):
                raise ApiError(400, "Bad Request: can't parse entities")
            text = html.unescape(text)
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        message = Message(chat_id, self.message_id_for(chat_id), True, text, {}, markup)
        message.raw = self._message_json(message)
        with self.lock:
            self.messages[(chat_id, message.message_id)] = message
        return message.raw

    def api_sendDocument(self, params: dict[str, Any]) -> Any:
        chat_id = params["chat_id"]
        self._chat_must_exist(chat_id)
        document = params.get("document")
        if not isinstance(document, dict) or not document.get("content"):
            raise ApiError(400, "Bad Request: there is no document in the request")
        message = Message(chat_id, self.message_id_for(chat_id), True,
                          params.get("caption") or "", {}, None, document=document)
        message.raw = self._message_json(message)
        with self.lock:
            self.messages[(chat_id, message.message_id)] = message
        return message.raw

    def api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        message = self._live_message(params["chat_id"], params["message_id"],
                                     "message to edit not found")
        with self.lock:
            message.reply_markup = params.get("reply_markup") or None
            message.raw = self._message_json(message)
        return message.raw

    def api_deleteMessage(self, params: dict[str, Any]) -> Any:
        message = self._live_message(params["chat_id"], params["message_id"],
                                     "message to delete not found")
        message.deleted = True
        return True

    def api_deleteMessages(self, params: dict[str, Any]) -> Any:
        ids = params["message_ids"]
        if not 1 <= len(ids) <= 100:
            raise ApiError(400, "Bad Request: too many message ids")
        with self.lock:
            for message_id in ids:  # as Telegram: missing ones are skipped
                message = self.messages.get((params["chat_id"], message_id))
                if message:
                    message.deleted = True
        return True

    def api_getUpdates(self, params: dict[str, Any]) -> Any:
        raise AssertionError("getUpdates is answered asynchronously")

    async def get_updates(self, params: dict[str, Any]) -> Any:
        with self.lock:
            if self.webhook:
                raise ApiError(409, "Conflict: can't use getUpdates method while webhook "
                                    "is active; use deleteWebhook to delete the webhook first")
        offset = params.get("offset")
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 5.0)
        while True:
            with self.lock:
                if offset is not None:
                    self.updates = [u for u in self.updates if u["update_id"] >= offset]
                ready = self.updates[: int(params.get("limit") or 100)]
                if ready or time.monotonic() >= deadline:
                    return ready
                self.new_update.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.new_update.wait(), deadline - time.monotonic())

    # --- helpers ------------------------------------------------------------------------
    def _chat_must_exist(self, chat_id: int) -> None:
        with self.lock:
            if chat_id in self.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat_id not in self.message_ids:
                raise ApiError(400, "Bad Request: chat not found")

    def _live_message(self, chat_id: int, message_id: int, missing: str) -> Message:
        with self.lock:
            message = self.messages.get((chat_id, message_id))
            if message is None or message.deleted:
                raise ApiError(400, f"Bad Request: {missing}")
            return message

    def _message_json(self, message: Message) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message_id": message.message_id, "date": int(time.time()),
            "chat": {"id": message.chat_id, "type": "private", "first_name": "Person"},
            "from": self.me() if message.from_bot else self.user(message.chat_id),
            "text": message.text}
        if message.reply_markup:
            body["reply_markup"] = message.reply_markup
        if message.document:
            body["document"] = {"file_id": f"doc-{message.message_id}",
                                "file_unique_id": f"u{message.message_id}",
                                "file_name": message.document["filename"]}
        return body


class FakeChat:
    """One person in a private chat with one bot, as their Telegram app would see it."""

    def __init__(self, bot: FakeBot, chat_id: int) -> None:
        self.bot, self.id = bot, chat_id

    # --- the person's actions -----------------------------------------------------------
    def send(self, text: str, times: int = 1) -> list[int]:
        """Types a message (a command if it starts with '/'); returns webhook statuses."""
        body: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self.send_message(body, times)

    def send_photo(self, caption: str | None = None) -> list[int]:
        body: dict[str, Any] = {"photo": [
            {"file_id": "AgACAgQAAxkBAAIB", "file_unique_id": "AQADAgAT", "width": 90,
             "height": 90, "file_size": 1234},
            {"file_id": "AgACAgQAAxkBAAIC", "file_unique_id": "AQADAgAU", "width": 800,
             "height": 800, "file_size": 81234}]}
        if caption:
            body["caption"] = caption
        return self.send_message(body)

    def send_message(self, content: dict[str, Any], times: int = 1) -> list[int]:
        """Sends any kind of message; `times` > 1 delivers the very same update again."""
        return self.bot.deliver(self.message_update(content), times)

    def send_burst(self, texts: list[str]) -> list[int]:
        """Many messages that reach the gateway together, as after a network hiccup."""
        return self.bot.deliver_all([self.message_update({"text": t}) for t in texts])

    def message_update(self, content: dict[str, Any]) -> dict[str, Any]:
        message_id = self.bot.message_id_for(self.id)
        message = {"message_id": message_id, "date": int(time.time()),
                   "chat": {"id": self.id, "type": "private", "first_name": "Person"},
                   "from": self.bot.user(self.id), **content}
        with self.bot.lock:
            self.bot.messages[(self.id, message_id)] = Message(
                self.id, message_id, False, content.get("text", ""), message)
        return {"update_id": self.bot.next_update_id(), "message": message}

    def press(self, title: str) -> list[int]:
        """Presses the newest visible button with this title."""
        for message in reversed(self.visible()):
            for button in message.buttons:
                if button["text"] == title:
                    return self.press_data(message, button["callback_data"])
        raise AssertionError(f"no visible button {title!r}; buttons: "
                             f"{[b['text'] for m in self.visible() for b in m.buttons]}")

    def press_data(self, message: Message, data: str) -> list[int]:
        query = {"id": str(self.bot.next_update_id()), "from": self.bot.user(self.id),
                 "message": message.raw, "chat_instance": f"ci{self.id}", "data": data}
        return self.bot.deliver({"update_id": self.bot.next_update_id(),
                                 "callback_query": query})

    def block_bot(self) -> None:
        with self.bot.lock:
            self.bot.blocked.add(self.id)

    # --- what the person sees -----------------------------------------------------------
    def all_messages(self) -> list[Message]:
        with self.bot.lock:
            return sorted((m for m in self.bot.messages.values() if m.chat_id == self.id),
                          key=lambda m: m.message_id)

    def visible(self) -> list[Message]:
        """The bot's messages still in the chat, oldest first."""
        return [m for m in self.all_messages() if m.from_bot and not m.deleted]

    def bot_messages(self) -> list[Message]:
        """Every message the bot sent here, deleted or not."""
        return [m for m in self.all_messages() if m.from_bot]

    def after(self, action: Callable[[], Any], quiet: float = 1.0,
              timeout: float = 60.0) -> list[Message]:
        """Does `action`, then returns the bot's new messages once they stop coming."""
        before = len(self.bot_messages())
        action()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            new = self.bot_messages()[before:]
            if new and time.monotonic() - new[-1].at >= quiet:
                return new
            time.sleep(0.05)
        raise AssertionError(f"no reply within {timeout}s")

    def say(self, text: str) -> str:
        """Sends text and returns the replies' texts, joined."""
        return joined(self.after(lambda: self.send(text)))


def joined(messages: list[Message]) -> str:
    return "\n".join(m.text for m in messages)


def wait_until(predicate: Callable[[], Any], timeout: float = 30.0,
               message: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {message}")


class FakeBotApi:
    """The server: one per test session, any number of bots (tokens)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.bots: dict[str, FakeBot] = {}
        self.loop = BackgroundLoop()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    def bot(self, token: str) -> FakeBot:
        if token not in self.bots:
            self.bots[token] = FakeBot(self, token, 7000000 + len(self.bots))
        return self.bots[token]

    def start(self) -> FakeBotApi:
        self.loop.run(self._start(), timeout=30)
        return self

    def stop(self) -> None:
        self.loop.run(self._stop(), timeout=30)
        self.loop.close()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self._session = aiohttp.ClientSession()

    async def _stop(self) -> None:
        if self._session:
            await self._session.close()
        if self._runner:
            await self._runner.cleanup()

    async def post_webhook(self, webhook: dict[str, Any], update: dict[str, Any]) -> int:
        """POSTs an update to a webhook as Telegram does, with the secret it was given."""
        assert self._session is not None
        headers = ({"X-Telegram-Bot-Api-Secret-Token": webhook["secret"]}
                   if webhook.get("secret") else {})
        async with self._session.post(webhook["url"], json=update, headers=headers) as r:
            return r.status

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
            for key, value in form.items():  # an uploaded file (sendDocument)
                if isinstance(value, web.FileField):
                    params[key] = {"filename": value.filename, "content": value.file.read(),
                                   "content_type": value.content_type}
        for key, value in list(params.items()):
            if key not in RAW_PARAMS and isinstance(value, str):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)
        return params

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"].startswith("0:"):  # a revoked token, for tests
            return web.json_response({"ok": False, "error_code": 401,
                                      "description": "Unauthorized"}, status=401)
        bot = self.bot(request.match_info["token"])
        method = request.match_info["method"]
        params = await self._params(request)
        try:
            if method == "getUpdates":
                with bot.lock:
                    bot.calls.append(Call(method, params))
                result = await bot.get_updates(params)
            else:
                result = bot.handle(method, params)
        except ApiError as error:
            body: dict[str, Any] = {"ok": False, "error_code": error.code,
                                    "description": error.description}
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            return web.json_response(body, status=error.code)
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        bot = self.bot(request.match_info["token"])
        bot.violations.append("a file was downloaded")
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"},
                                 status=404)
