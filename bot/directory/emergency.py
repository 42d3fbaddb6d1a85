"""The emergency number and the crisis lines for a place, and the reply when the
assistant cannot answer: written once, used by every process that may have to say them
(the actions, Rasa's degraded replies, the backend's chat relay, the Telegram gateway).

Numbers come from the directory; a number no source confirmed is marked, never hidden.
"""

from __future__ import annotations

from typing import List, Optional

from bot.directory.directory import Directory, Person
from bot.directory.describe import UNVERIFIED, in_confidence, service_text
from bot.directory.records import Service


def emergency_number(directory: Directory, country: Optional[str] = None) -> str:
    """The number to call in danger where the person is (the charity's home when unknown)."""
    place = directory.jurisdiction(country)
    if place.provenance.is_unverified("emergency"):
        return f"your local emergency number ({place.emergency} in many places {UNVERIFIED})"
    return place.emergency


def crisis_lines(directory: Directory, person: Person = Person()) -> List[Service]:
    """The place's crisis lines, then the specialist helplines that fit the person."""
    place = directory.jurisdiction(person.country)
    lines = [directory.service(s) for s in place.crisis_services]
    kinds = ("children_support",) if person.is_minor else ("iia_helpline",)
    return lines + [s for s in directory.find(kinds, person) if s not in lines]


NO_CRISIS_LINE = ("We have not yet confirmed a crisis line where you are. If you are "
                  "thinking about suicide or hurting yourself, please call your local "
                  "emergency number or go to the nearest hospital.")


def outage_text(directory: Directory, opening: str, person: Person = Person()) -> str:
    """What to say when the assistant cannot answer: the apology given, then the
    emergency number and the crisis lines (or, where none is confirmed, that). Never
    silence."""
    lines = crisis_lines(directory, person)
    talk = (["If you need to talk to someone now, these are free and confidential:"
             if in_confidence(lines).startswith("free") else
             "If you need to talk to someone now, you can reach these in confidence:",
             "\n\n".join(service_text(s, with_summary=False) for s in lines)]
            if lines else [NO_CRISIS_LINE])
    return "\n\n".join([
        opening,
        f"If you are in danger right now, please call {emergency_number(directory, person.country)}.",
        *talk,
    ])
