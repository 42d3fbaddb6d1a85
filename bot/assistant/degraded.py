"""What the person is told when part of the system is down: never silence.

Rasa 3.6 says nothing when the action server cannot be reached (it logs the error and
drops the action), and nothing when its lock store fails. In a service people may contact
in a crisis, the reply must still lead with the emergency number and the crisis lines for
their country. Every number comes from the service directory, as in the actions.
"""

from __future__ import annotations

from enum import Enum
from typing import List, Optional

from bot.directory import ADULT, UNDER_18, Person, cached_directory
from bot.directory import emergency
from bot.directory.records import Service

# Marks a degraded reply in its BotUttered metadata, so it is said once per turn.
DEGRADED_KEY = "degraded"


class Outage(str, Enum):
    """What failed, which decides how the degraded reply opens."""

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
    return emergency.crisis_lines(cached_directory(), person)


def message(outage: Outage, person: Optional[Person] = None) -> str:
    """The gentle reply for an outage, for what we know of the person (home if nothing)."""
    return emergency.outage_text(cached_directory(), _OPENING[outage], person or Person())


def person_from_slots(country: object, age: object, age_group: object) -> Person:
    """A Person from raw slot values, ignoring anything malformed."""
    known = {UNDER_18, ADULT}
    try:
        years = int(age) if age is not None else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        years = None
    return Person(country=country if isinstance(country, str) and country else None,
                  age=years,
                  age_group=age_group if age_group in known else None)
