"""The widget's frames, read strictly, and the kind words for each thing that can go wrong.

From the widget (JSON text frames):
    {"type": "hello", "session": null | "<token>"}   first; null asks for a new session
    {"type": "message", "text": "<1 to 4,000 characters>"}   typed: always text
    {"type": "choice", "choice": "<button token>"}   a button pressed (choices.py)
    {"type": "left"}                                  quick exit: forget me, tell staff
To the widget:
    {"type": "session", "session": "<token>", "resumed": bool}
    {"type": "typing", "on": bool}
    {"type": "message", "from": "assistant" | "team" | "notice" | "system",
     "text": "...", "buttons": [{"title": "...", "choice": "<button token>"}]}
    {"type": "error", "code": "<one of MESSAGES>", "message": "<shown to the person>"}
    {"type": "document", "document": "<single-use token>", "filename": "case-log-….pdf"}
        a copy of the person's log: the widget fetches it once with POST /chat/document
        (downloads.py)
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.backend.web import strict_json
from bot.backend.web import validation as v

MAX_TEXT = 4000
MAX_CHOICE = 4096
# Comfortably above the longest valid frame (4,000 characters, each at most a six-character
# \u escape); anything bigger closes the socket (1009) before it is read.
MAX_FRAME_BYTES = 64 * 1024

MESSAGES = {
    "malformed": "Sorry, I couldn't read that. Please try sending it again.",
    "unknown_type": "Sorry, I couldn't read that. Please try sending it again.",
    "empty": "That message was empty. Type whatever you'd like to say, in your own words.",
    "too_long": "That message is longer than I can take (4,000 characters). Could you send "
                "it in shorter parts?",
    "unreadable": "Some characters in that message couldn't be read. Could you type it "
                  "again?",
    "binary": "I can only read typed messages here. You never need to send me images or "
              "files.",
    "rate_limited": "You're sending messages faster than I can read them. Please wait a "
                    "few seconds, then send it again.",
    "hello_first": "The chat is still connecting. Please try again in a moment.",
    "session_refused": "This conversation can't be continued here, so a new one will start.",
    "busy": "The chat is very busy right now. Please try again in a few minutes.",
    "choice_expired": "That button has expired. Type what you'd like to do instead, in "
                      "your own words.",
    "unavailable": "The chat isn't available right now.",
}


class FrameError(Exception):
    """A frame the relay refuses; `code` is a key of MESSAGES."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Hello:
    """Open a new session (token None) or resume one."""

    token: str | None


@dataclass(frozen=True)
class UserMessage:
    """Something the person typed, or a button's payload."""

    text: str


@dataclass(frozen=True)
class Choice:
    """A button pressed: the token the relay issued for it."""

    token: str


@dataclass(frozen=True)
class Left:
    """The person used quick exit."""


Frame = Hello | UserMessage | Choice | Left


def error(code: str) -> dict[str, str]:
    """The error frame for a code."""
    return {"type": "error", "code": code, "message": MESSAGES[code]}


def parse(raw: str) -> Frame:
    """Read one text frame; raise FrameError saying what is wrong with it."""
    try:
        data = strict_json.loads(raw)
    except strict_json.StrictJsonError:
        raise FrameError("malformed") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise FrameError("malformed")
    kind = data["type"]
    if kind == "hello":
        body = _keys(data, ("type", "session"))
        token = body["session"]
        if token is not None and not isinstance(token, str):
            raise FrameError("malformed")
        return Hello(token)
    if kind == "message":
        return UserMessage(_text(_keys(data, ("type", "text"))["text"]))
    if kind == "choice":
        token = _keys(data, ("type", "choice"))["choice"]
        if not isinstance(token, str) or not token or len(token) > MAX_CHOICE:
            raise FrameError("malformed")
        return Choice(token)
    if kind == "left":
        _keys(data, ("type",))
        return Left()
    raise FrameError("unknown_type")


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise FrameError("malformed")
    if not value.strip():
        raise FrameError("empty")
    if len(value) > MAX_TEXT:
        raise FrameError("too_long")
    try:
        return v.text(value, "text", max_length=MAX_TEXT, multiline=True)
    except v.ValidationError:
        raise FrameError("unreadable") from None


def _keys(data: dict[str, object], keys: tuple[str, ...]) -> dict[str, object]:
    try:
        v.exact_keys(data, "", keys)
    except v.ValidationError:
        raise FrameError("malformed") from None
    return data

