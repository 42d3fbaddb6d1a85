"""Finds advice to handle an image: screenshot, save, download, forward, view, copy it.

Saving or screenshotting a sexual image of someone under 18 is itself an offence in the UK
and elsewhere, and children's services say nobody should view or keep one. Advice that may
reach a child, a helper, or anyone whose age in the image is unknown must therefore never
suggest it. The directory's schema rejects such advice outside adult-only evidence steps,
and the tests render everything a child-safe reply can show through this same check.

A prohibition ("do not screenshot", "nobody should view it") is not advice to do it. The
check is deliberately strict: words it cannot tell apart are rephrased in the data.
"""

from __future__ import annotations

import re
from typing import List

# Doing something to the image itself. Links, dates, usernames and reference numbers are
# what a child-safe step may ask for instead.
_HANDLING = re.compile(
    r"\bscreen[\s-]?shot\w*"
    r"|\bscreen[\s-]?grab\w*"
    r"|\bscreen[\s-]?record\w*"
    r"|\bsav(?:e|es|ed|ing)\b"
    r"|\bdownload\w*"
    r"|\bforward(?:s|ed|ing)?\b"
    r"|\bview(?:s|ed|ing)?\b"
    r"|\blook(?:s|ed|ing)?\s+at\b"
    r"|\bcaptur\w*"
    r"|\bprint(?:s|ed|ing)?\b"
    r"|\bkeep(?:s|ing)?\s+(?:a\s+)?cop(?:y|ies)\b"
    r"|\bcop(?:y|ies)\s+of\s+(?:the|an?|each|any|your|their|this|that)\s+"
    r"(?:images?|photos?|pictures?|videos?|nudes?)\b"
    r"|\bsend(?:s|ing)?\b(?:\s+\w+){0,3}?\s+(?:images?|photos?|pictures?|videos?|nudes?|it|them)\b"
    r"|\btak(?:e|es|ing)\s+(?:a\s+)?(?:photos?|pictures?)\b",
    re.IGNORECASE,
)
# Words that turn what follows, in the same clause, into a prohibition.
_NEGATION = re.compile(
    r"\b(?:do not|don't|does not|doesn't|must not|mustn't|should not|shouldn't|need not"
    r"|never|nobody|no one|no-one|without|nor|avoid|rather than|instead of)\b",
    re.IGNORECASE,
)
# Where a prohibition stops: "Do not delete them, and take a screenshot" advises the second.
_SCOPE_BREAK = re.compile(
    r",\s*(?:and|but|then)\b|\b(?:but|then|instead|however|unless|except|only if)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")


def image_handling_advice(text: str) -> List[str]:
    """The phrases in `text` that advise handling an image (empty when there are none)."""
    found: List[str] = []
    for sentence in _SENTENCE.split(text or ""):
        for match in _HANDLING.finditer(sentence):
            if not _prohibited(sentence[:match.start()]):
                found.append(match.group(0))
    return found


def _prohibited(before: str) -> bool:
    """A negation governs the words that follow it until the clause moves on."""
    negations = [m.end() for m in _NEGATION.finditer(before)]
    if not negations:
        return False
    breaks = [m.start() for m in _SCOPE_BREAK.finditer(before)]
    return not breaks or negations[-1] > breaks[-1]
