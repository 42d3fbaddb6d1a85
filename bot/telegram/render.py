"""The assistant's replies as Telegram messages: escaped text, buttons kept.

Telegram parses HTML only in what we mark up ourselves: every character of a reply is
escaped, so "<", ">" and "&" in a reply (or a staff message) show as written and can never
become markup. Links stay plain text, which Telegram links by itself. A reply longer than
one Telegram message is split at paragraph or line breaks; its buttons go with the last part.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# Telegram's limit is 4,096 UTF-16 code units after parsing; leave a little room.
MAX_UNITS = 4000
# Telegram shows at most 100 buttons; a keyboard that long would be a bug upstream.
MAX_BUTTONS = 100
MAX_BUTTON_TITLE = 64
NO_TEXT = "Please choose:"


@dataclass(frozen=True)
class Button:
    """One of the assistant's buttons: what it says and what pressing it sends."""

    title: str
    payload: str


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message: escaped HTML text and the buttons under it."""

    html: str
    buttons: tuple[Button, ...] = field(default=())


def escape(text: str) -> str:
    """Text that Telegram's HTML parse mode shows exactly as written."""
    return html.escape(text, quote=False)


def utf16_units(text: str) -> int:
    """Telegram counts lengths in UTF-16 code units (an emoji is often two)."""
    return len(text.encode("utf-16-le")) // 2


def split(text: str, limit: int = MAX_UNITS) -> list[str]:
    """Parts of at most `limit` units, broken at a paragraph, a line or a space if possible."""
    parts: list[str] = []
    rest = text
    while utf16_units(rest) > limit:
        cut = _fit(rest, limit)
        window = rest[:cut]
        for separator in ("\n\n", "\n", " "):
            at = window.rfind(separator)
            if at > cut // 2:
                cut = at
                break
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _fit(text: str, limit: int) -> int:
    """The longest prefix, in characters, that fits in `limit` UTF-16 units."""
    units = 0
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def buttons_of(reply: dict[str, Any]) -> tuple[Button, ...]:
    """The reply's well-formed buttons; anything else in the list is skipped."""
    found: list[Button] = []
    raw = reply.get("buttons")
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        title, payload = item.get("title"), item.get("payload")
        if isinstance(title, str) and title.strip() and isinstance(payload, str) and payload:
            found.append(Button(title.strip()[:MAX_BUTTON_TITLE], payload))
    return tuple(found[:MAX_BUTTONS])


def from_reply(reply: Any) -> list[Outgoing]:
    """One Rasa reply as Telegram messages (none if it carries nothing to show)."""
    if not isinstance(reply, dict):
        return []
    raw_text = reply.get("text")
    text = raw_text if isinstance(raw_text, str) else ""
    image = reply.get("image")
    if isinstance(image, str) and image:
        text = f"{text}\n{image}".strip()  # as a link: we never fetch or forward images
    buttons = buttons_of(reply)
    text = text.strip()
    if not text and not buttons:
        return []  # e.g. a custom payload meant for another channel
    parts = split(text) if text else [NO_TEXT]
    messages = [Outgoing(escape(part)) for part in parts]
    messages[-1] = Outgoing(messages[-1].html, buttons)
    return messages


def from_replies(replies: Iterable[Any]) -> list[Outgoing]:
    """All of the assistant's replies to one message, in order."""
    return [message for reply in replies for message in from_reply(reply)]


def plain(text: str) -> Sequence[Outgoing]:
    """The gateway's own text, or a staff member's, as messages without buttons."""
    return [Outgoing(escape(part)) for part in split(text)]
