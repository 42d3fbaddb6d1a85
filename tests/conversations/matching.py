"""Checking a reply against a turn's expectations, and the measures the runner reports.

A pattern is a case-insensitive substring, or a regular expression after `re:` (searched,
case-insensitive). A reply is what the person sees: every message's text and every button
title, with typographic quotes and unusual spaces made plain, so "don’t" matches "don't".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Pattern, Sequence
from urllib.parse import urlparse

from bot.directory import Directory
from tests.conversations.schema import REGEX_PREFIX, Expect

_PLAIN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ",
                        "\u202f": " ", "\u2011": "-", "–": "-"})

# The assistant's fallback says it did not follow; these are the two ways it may put it.
_FALLBACK = re.compile(r"didn't (quite )?follow", re.IGNORECASE)

# A message that is only a greeting, however it is typed: not yet a substantive turn.
_GREETING = re.compile(
    r"^\W*(h+i+|hi+ya|hey+a?|hel+o+|heya|yo|hiya|sup|hola|good (morning|afternoon|evening)"
    r"|hi there|hello there|hey there)(\s+(there|bot|again))?\W*$", re.IGNORECASE)

_ANY_URL = re.compile(r"https?://\S+|\bwww\.\S+", re.IGNORECASE)
# A capital inside a word ("StopNCII", "NeedHelpNow") marks a name that stands without its
# ".org"/".ca"; "Hotline.ie" without it would be the common word "hotline".
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")


def plain(text: str) -> str:
    return text.translate(_PLAIN)


def visible_text(replies: Sequence[Dict[str, Any]]) -> str:
    """All a person sees of one reply: each message's text, then its button titles."""
    parts: List[str] = []
    for message in replies:
        if message.get("text"):
            parts.append(message["text"])
        parts.extend(f"[{b.get('title', '')}]" for b in message.get("buttons") or [])
    return plain("\n".join(parts))


def matches(pattern: str, text: str) -> bool:
    """Substring (case-insensitive), or a regex search after `re:` (case-insensitive)."""
    text = plain(text)
    if pattern.startswith(REGEX_PREFIX):
        return re.search(pattern[len(REGEX_PREFIX):], text, re.IGNORECASE) is not None
    return plain(pattern).casefold() in text.casefold()


def failed_expectations(expect: Expect, text: str, concrete: bool) -> List[str]:
    """What the reply lacks or wrongly holds; empty when every expectation holds."""
    problems = [f"missing: {p!r}" for p in expect.all if not matches(p, text)]
    if expect.any and not any(matches(p, text) for p in expect.any):
        problems.append(f"none of: {list(expect.any)!r}")
    problems += [f"must not contain: {p!r}" for p in expect.none if matches(p, text)]
    if expect.first_reply_concrete and not concrete:
        problems.append("no concrete step (a directory number, web address or service)")
    return problems


def is_fallback(text: str) -> bool:
    return _FALLBACK.search(plain(text)) is not None


def is_bare_greeting(message: str) -> bool:
    return _GREETING.match(message.strip()) is not None


def button_payload(replies: Sequence[Dict[str, Any]], title: str) -> Optional[str]:
    """The payload of the button the person means by `title` in the previous reply.

    An exact title (ignoring case) wins; otherwise the one button whose title contains it,
    or, with `re:`, the first whose title matches. None if there is no such button."""
    buttons = [b for m in replies for b in m.get("buttons") or [] if b.get("payload")]
    for b in buttons:
        if plain(b.get("title", "")).casefold() == plain(title).casefold():
            return b["payload"]
    found = [b for b in buttons if matches(title, plain(b.get("title", "")))]
    if title.startswith(REGEX_PREFIX):
        return found[0]["payload"] if found else None
    return found[0]["payload"] if len(found) == 1 else None


@dataclass(frozen=True)
class ConcreteSteps:
    """Recognises a reply that holds a concrete step: a phone number, a web address or a
    service or platform name, each taken from the service directory (any http(s) or www
    address counts too)."""

    patterns: Sequence[Pattern[str]]

    @classmethod
    def from_directory(cls, directory: Directory) -> "ConcreteSteps":
        names = set()
        for service in directory.services:
            names.update(_name_forms(service.name, is_platform=False))
        for platform in directory.platforms:
            names.update(_name_forms(platform.name, is_platform=True))
        hosts = {_host(url) for url in _directory_urls(directory)}
        numbers = set()
        for s in directory.services:
            numbers.update(n for n in (s.contact.phone, _digits_of(s.contact.text)) if n)
        # Police non-emergency lines are a step; emergency numbers are not counted: the
        # welcome and every safety footer name them, whatever the person asked.
        numbers.update(j.police_non_emergency for j in directory.jurisdictions
                       if j.police_non_emergency)
        patterns = [re.compile(rf"(?<![\w.]){re.escape(n)}(?!\w)", re.IGNORECASE)
                    for n in sorted(names | hosts)]
        patterns += [re.compile(rf"(?<![\d,.]){re.escape(n)}(?![\d,])") for n in sorted(numbers)]
        return cls(patterns + [_ANY_URL])

    def holds(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)


def _name_forms(name: str, is_platform: bool) -> Iterable[str]:
    """A directory name as replies write it: in full, without its bracketed part, and
    for platforms each name in the brackets ("Meta (Facebook, Instagram, Messenger)")."""
    forms = {name}
    short = re.sub(r"\s*\(.*\)\s*", "", name).strip()
    forms.add(short)
    if is_platform and "(" in name:
        inner = name[name.index("(") + 1:name.rindex(")")]
        forms.update(part.strip() for part in re.split(r",| and ", inner))
    for form in list(forms):
        stem, dot, _tld = form.rpartition(".")
        if dot and " " not in form and _INNER_CAPITAL.search(stem):
            forms.add(stem)
    # One- and two-letter names ("X") would match ordinary words.
    return {f for f in forms if len(f) >= 3}


def _directory_urls(directory: Directory) -> Iterable[str]:
    for s in directory.services:
        if s.contact.web:
            yield s.contact.web
        if s.contact.chat:
            yield s.contact.chat
    for p in directory.platforms:
        for link in p.links:
            yield link.url


def _host(url: str) -> str:
    host = urlparse(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def _digits_of(text: Optional[str]) -> Optional[str]:
    """The number in a text route ("Text SHOUT to 85258" -> "85258")."""
    found = re.findall(r"\d[\d -]*\d", text or "")
    return found[-1].strip() if found else None
