"""Load-test people: each conversation says where it lives and how old it is, and leaves a
note with its own reference number, so every reply can be checked to belong to it.

A reply belongs to another conversation (cross-talk) if it is addressed to another sender,
quotes another conversation's reference, or, once the person has said where they live,
gives another country's emergency number. The handoff summary must quote the person's own
reference and some reply must give their own emergency number, so the check never passes
for lack of evidence.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List

from bot.bench import scripts

# (how the person says it, the emergency number the assistant must give them)
PLACES = [("England", "999"), ("Ireland", "112"), ("the USA", "911"), ("Australia", "000")]
AGES = [16, 25, 34, 52]
REFERENCE = re.compile(r"reference is (\d{8})")
# "call 112" after a mention of danger or risk, for one of the emergency numbers above;
# the evidence step that lists every country's number ("call 999 in the UK, 112 in
# Ireland...") is not about the person, nor are police lines ("not an emergency, call
# 101" in the UK, "131 444" in Australia), which are not emergency numbers.
EMERGENCY = re.compile(
    r"\b(?:danger|risk|emergency)\b[^.\n]{0,40}?\bcall ("
    + "|".join(sorted({number for _, number in PLACES})) + r")\b(?! in the UK)")


@dataclass
class Persona:
    """A scripted person: where they live (so which emergency number they must get) and
    their age."""

    index: int
    place: str
    emergency: str
    age: int
    sender: str = field(default_factory=lambda: f"load-{uuid.uuid4().hex}")

    @property
    def reference(self) -> str:
        """The number that marks this person's messages, so a reply can be traced back to
        them."""
        return f"{self.index:08d}"

    def messages(self) -> List[str]:
        """Greeting, where and how old, one journey, the police, then a handoff."""
        return (["hi", f"I live in {self.place} and I'm {self.age}"]
                + scripts.LOAD_MIDDLES[self.index % len(scripts.LOAD_MIDDLES)]
                + ["/ask_police", "/request_human", "/affirm",
                   '/inform_contact_method{"contact_method": "chat"}', "evenings",
                   f"Pictures of me are on a forum, my reference is {self.reference}",
                   "/affirm"])


def persona(index: int) -> Persona:
    """The index-th person: places and ages in turn, so every combination comes up."""
    place, emergency = PLACES[index % len(PLACES)]
    return Persona(index, place, emergency, AGES[(index // len(PLACES)) % len(AGES)])


# Replies before this message's may give the UK's number: the place is not known yet.
BEFORE_PLACE = 1


def cross_talk(person: Persona, turns: List[List[Dict[str, Any]]]) -> List[str]:
    """What, in the replies to one conversation, belongs to another; [] when nothing."""
    problems: List[str] = []
    numbers_given = 0
    for number, replies in enumerate(turns):
        for reply in replies:
            if reply.get("recipient_id") != person.sender:
                problems.append("a reply addressed to another sender")
            text = reply.get("text") or ""
            problems += [f"reference {ref}" for ref in REFERENCE.findall(text)
                         if ref != person.reference]
            if number >= BEFORE_PLACE:
                given = EMERGENCY.findall(text)
                numbers_given += len(given)
                problems += [f"emergency number {n}" for n in given if n != person.emergency]
    if not numbers_given:
        problems.append("no emergency number was given once the place was known")
    summary = " ".join(r.get("text") or "" for r in (turns[-2] if len(turns) > 1 else []))
    if f"reference is {person.reference}" not in summary:
        problems.append("the handoff summary lacks the person's own reference")
    return problems
