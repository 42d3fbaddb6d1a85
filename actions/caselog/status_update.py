"""A takedown update in the person's words, read as (which place, what happened).

"the reddit one is gone", "instagram took it down", "it's back on twitter", "they
refused": the words say what happened (removed, still up, refused, reported, or back up
again: a re-upload); a platform the directory knows (by id or alias), an entry number
("number 3", "#3") or a link already in the log says which place. When the log has only
one place the update can be about, that one is meant. Anything else (two places fit, no
place fits, a question, two platforms) is None, so the assistant asks.

A pure function over the text, the log and the directory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Pattern, Sequence, Set, Tuple

from actions.caselog.entries import (
    AWAITING_REMOVAL,
    NOT_REPORTED,
    REFUSED,
    REMOVED,
    REPORTED,
    STILL_UP,
    Entry,
    Place,
)
from bot.directory import Directory

REUPLOAD = "reupload"

_NOT = r"(?:\bnot|n't|\bnever)"
# In order: the first that matches says what happened ("they refused, it's still up" is
# a refusal; "it was removed but it's back" is a re-upload).
_WHAT_HAPPENED: Tuple[Tuple[str, Pattern[str]], ...] = tuple(
    (outcome, re.compile("|".join(patterns))) for outcome, patterns in (
        (REFUSED, [
            r"\brefus(?:ed|es|e|ing)\b", r"\breject(?:ed|s)?\b", r"\bdeclined\b",
            r"\b(?:won't|will not|wouldn't|would not) (?:remove|delete|take)\b",
            r"\bsaid no\b", r"\bno violation\b",
            r"\b(?:doesn't|does not|didn't|did not) (?:break|violate|go against)\b",
            r"\bnot against (?:their|the|its) (?:rules|guidelines|policy|policies|terms)\b",
        ]),
        (REUPLOAD, [
            r"\b(?:it's|its|it is|they're|they are|is|are|it was|was) back\b",
            r"\bback (?:up|on|online)\b", r"\bre-?(?:posted|uploaded|upload|shared)\b",
            r"\b(?:posted|uploaded|shared|put) (?:it |them )?(?:up |online )?again\b",
            r"\bup again\b", r"\b(?:came|come|comes|coming) back\b",
        ]),
        (STILL_UP, [
            r"\bstill (?:up|there|online|on|live|showing|visible|available)\b",
            _NOT + r"\s+(?:been\s+)?(?:removed|deleted|taken down|gone|down)\b",
            _NOT + r"\s+(?:remove|delete|take (?:it|them) down|took (?:it|them) down)\b",
            r"\bnothing (?:has )?happened\b",
        ]),
        (REMOVED, [
            r"\bgone\b", r"\b(?:removed|deleted)\b", r"\btaken (?:it |them )?down\b",
            r"\btook (?:it |them )?down\b", r"\b(?:came|come|is|was|it's|its) down\b",
            r"\bno longer (?:up|there|online|available|on)\b",
            _NOT + r"\s+(?:there|up|online) any ?more\b", r"\bdisappeared\b",
        ]),
        (REPORTED, [
            r"\b(?:i|we|she|he|they|mum|mom|dad|my \w+) (?:have |has |just |finally )*"
            r"reported\b",
            r"\b(?:made|sent|filed|submitted) (?:a|the|my) report\b",
        ]),
    ))
# What the person could be telling us about each kind of place, to narrow a choice.
_LIKELY: dict = {
    REFUSED: AWAITING_REMOVAL, STILL_UP: AWAITING_REMOVAL, REMOVED: AWAITING_REMOVAL,
    REUPLOAD: (REMOVED,), REPORTED: (NOT_REPORTED,),
}
_NUMBER = re.compile(r"(?:\b(?:number|entry|no\.?|item|place)\s*|#)(\d{1,5})\b")
_QUESTION = re.compile(r"\?\s*$|^(?:is|has|have|did|does|can|could|how|what|when|why|"
                       r"should|will|would)\b")


@dataclass(frozen=True)
class StatusUpdate:
    """A change to one place: its new status, or (`reupload`) that it is back online."""

    place: int
    status: Optional[str]
    reupload: bool = False


def parse_status_update(text: str, entries: Sequence[Entry],
                        directory: Directory) -> Optional[StatusUpdate]:
    """The update the words give, or None when they give none or the place is unclear."""
    said = " ".join(text.lower().replace("\u2019", "'").split())
    if not said or _QUESTION.search(said):
        return None
    outcome = next((o for o, pattern in _WHAT_HAPPENED if pattern.search(said)), None)
    if outcome is None:
        return None
    place = _which_place(said, outcome, [e for e in entries if isinstance(e.record, Place)],
                         directory)
    if place is None:
        return None
    if outcome == REUPLOAD:
        return StatusUpdate(place.number, None, reupload=True)
    return StatusUpdate(place.number, outcome)


def _which_place(said: str, outcome: str, places: List[Entry],
                 directory: Directory) -> Optional[Entry]:
    numbers = {int(n) for n in _NUMBER.findall(said)}
    platforms = _platforms_named(said, directory)
    if len(numbers) > 1 or len(platforms) > 1:
        return None
    if numbers:
        chosen = [p for p in places if p.number in numbers]
        if chosen and platforms and chosen[0].record.platform not in platforms:
            return None  # "number 2 on reddit" when 2 is on Instagram: ask
        return chosen[0] if chosen else None
    candidates = [p for p in places if p.record.link and p.record.link.lower() in said]
    if not candidates and platforms:
        candidates = [p for p in places if p.record.platform in platforms]
    elif not candidates:
        candidates = places
    likely = [p for p in candidates if p.record.status in _LIKELY[outcome]]
    candidates = likely or candidates
    return candidates[0] if len(candidates) == 1 else None


def _platforms_named(said: str, directory: Directory) -> Set[str]:
    named = set()
    for platform in directory.platforms:
        for name in (platform.id,) + platform.aliases:
            if re.search(r"(?<![\w.])" + re.escape(name) + r"(?![\w])", said):
                named.add(platform.id)
                break
    return named
