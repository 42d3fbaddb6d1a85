"""What a journey builder is given: the directory, the person, and a few choices."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Sequence

from actions.replies import Button, button
from bot.directory import Directory, Person
from bot.directory.render import checked_footer, services_text
from bot.directory.schema import Service


@dataclass(frozen=True)
class JourneyContext:
    directory: Directory
    person: Person
    helper: bool = False                     # someone helping the person affected
    platforms: Sequence[str] = ()            # platform ids the person named
    perpetrator: str = ""                    # ex_partner | partner | known | stranger | ...
    groups: Sequence[str] = ()               # lgbt | men, if the person said so
    risk_flags: Sequence[str] = field(default_factory=tuple)
    more: bool = False                       # the person asked for more services

    def you(self, own: str, other: str) -> str:
        """'you' wording for the person affected, 'they' wording for a helper."""
        return other if self.helper else own

    def services(self, *kinds: str, limit: int = 0) -> List[Service]:
        return self.directory.find(kinds, self.person, limit=limit or None)


def listing(services: Sequence[Service]) -> str:
    """Services with the date their details were checked."""
    footer = checked_footer(s.provenance for s in services)
    return services_text(services) + (f"\n\n{footer}" if footer else "")


NEXT_STEPS: List[Button] = [
    button("What to keep as evidence", "/ask_evidence"),
    button("Get images taken down", "/ask_takedown"),
    button("Stop them being shared", "/ask_hashing"),
    button("Report to the police", "/ask_police"),
    button("Find support", "/ask_support"),
    button("Talk to a person", "/request_human"),
]


def next_steps(*exclude: str) -> List[Button]:
    """The main options, minus the one just given."""
    return [b for b in NEXT_STEPS if b["payload"] not in exclude]
