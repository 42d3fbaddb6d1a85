"""What the person is told when part of the system is down: never silence.

Rasa 3.6 says nothing when the action server cannot be reached (it logs the error and
drops the action), and nothing when its lock store fails. In a service people may contact
in a crisis, the reply must still lead with the emergency number and the crisis lines for
their country. Every number comes from the service directory, as in the actions.
"""

from __future__ import annotations

from enum import Enum
from typing import List, Optional

from bot.directory import Person, cached_directory
from bot.directory.render import UNVERIFIED, service_text
from bot.directory.schema import Service

# Marks a degraded reply in its BotUttered metadata, so it is said once per turn.
DEGRADED_KEY = "degraded"


class Outage(str, Enum):
    # The message was handled, but the actions (journeys, referrals) could not run.
    ACTIONS = "actions"
    # The message could not be handled at all: the person should send it again.
    STORE = "store"


_OPENING = {
    Outage.ACTIONS: ("I'm sorry, part of this service isn't working right now, so I can't "
                     "answer you properly. Nothing you have told me is lost."),
    Outage.STORE: ("I'm sorry, this service is having a problem right now and your last "
                   "message didn't reach me. Please send it again in a few minutes."),
}


def helplines(person: Person) -> List[Service]:
    """Crisis lines for the person's country, then the specialist helplines that fit them."""
    directory = cached_directory()
    lines = [directory.service(s) for s in directory.jurisdiction(person.country).crisis_services]
    kinds = ("children_support",) if person.is_minor else ("iia_helpline",)
    return lines + [s for s in directory.find(kinds, person) if s not in lines]


def emergency_number(person: Person) -> str:
    j = cached_directory().jurisdiction(person.country)
    if j.provenance.is_unverified("emergency"):
        return f"your local emergency number ({j.emergency} in many places {UNVERIFIED})"
    return j.emergency


def message(outage: Outage, person: Optional[Person] = None) -> str:
    """The gentle reply for an outage, for what we know of the person (the UK if nothing)."""
    person = person or Person()
    parts = [_OPENING[outage],
             f"If you are in danger right now, please call {emergency_number(person)}.",
             "If you need to talk to someone now, these are free and confidential:",
             "\n\n".join(service_text(s, with_summary=False) for s in helplines(person))]
    return "\n\n".join(parts)


def person_from_slots(country: object, age: object, age_group: object) -> Person:
    """A Person from raw slot values, ignoring anything malformed."""
    known = {"under_18", "adult"}
    try:
        years = int(age) if age is not None else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        years = None
    return Person(country=country if isinstance(country, str) and country else None,
                  age=years,
                  age_group=age_group if age_group in known else None)
