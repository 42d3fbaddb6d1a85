"""What a person types, made safe to hand to the assistant.

Control characters and NUL bytes are stripped (they confuse tokenisers and some databases
refuse NUL). Leading slashes are dropped from anything that is not one of the gateway's own
commands (bot/typed_text.py): Rasa reads "/intent{...}" as a ready-made intent that skips
understanding, and with it the safety matcher, so only the gateway's commands and buttons
ever send payloads.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.typed_text import neutralise

# Telegram allows 4,096; past this we ask for shorter parts rather than cut someone off.
MAX_CHARS = 4000
_KEEP = {"\n", "\t"}
# Cc: control characters (NUL included); Cs: lone surrogates, which valid UTF-8 cannot carry.
_DROP_CATEGORIES = {"Cc", "Cs"}


@dataclass(frozen=True)
class Incoming:
    """A message ready for the assistant, or the reason it is not."""

    text: str
    problem: str | None = None  # "empty" | "too_long"


def clean(text: str) -> str:
    """The text with control characters as spaces (so "help\x00me" stays two words),
    Windows line ends made plain."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch if ch in _KEEP or unicodedata.category(ch) not in _DROP_CATEGORIES
                   else " " for ch in text).strip()


def from_person(text: str | None) -> Incoming:
    """Checks and cleans what a person typed; never passes a payload through."""
    cleaned = neutralise(clean(text or ""))
    if not cleaned:
        return Incoming("", "empty")
    if len(cleaned) > MAX_CHARS:
        return Incoming("", "too_long")
    return Incoming(cleaned)
