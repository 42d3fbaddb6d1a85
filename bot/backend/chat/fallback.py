"""What a person is told when the assistant cannot answer: never silence.

The emergency number and crisis lines come from the service directory (the UK's, where
most people using the widget are), as the assistant's own crisis reply does, so a number
is never written here. The text is built once at start-up: if the directory cannot be
read, the backend does not start, rather than finding out in someone's worst moment.
"""

from __future__ import annotations

from bot.directory import Directory
from bot.directory.render import UNVERIFIED, service_text

JURISDICTION = "GB"


def emergency_number(directory: Directory, jurisdiction: str | None) -> str:
    """The number to call in danger where the person is (the UK's when unknown), marked
    as the assistant marks it when no source confirmed it."""
    place = directory.jurisdiction(jurisdiction or JURISDICTION)
    if place.provenance.is_unverified("emergency"):
        return f"your local emergency number ({place.emergency} in many places {UNVERIFIED})"
    return place.emergency


def unavailable_text(directory: Directory) -> str:
    """The apology, the emergency number and the crisis lines, as plain text."""
    place = directory.jurisdiction(JURISDICTION)
    lines = [directory.service(service_id) for service_id in place.crisis_services]
    return "\n\n".join([
        "I'm sorry, I can't reply right now because of a technical problem. Please try "
        "again in a few minutes.",
        f"If you're in danger, call {emergency_number(directory, JURISDICTION)}.",
        "If you need to talk to someone now:",
        *(service_text(service) for service in lines),
    ])
