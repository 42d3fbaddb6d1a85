"""The one-line emergency reminder, with the number for the person's country."""

from __future__ import annotations

from actions.journeys.base import JourneyContext
from bot.directory.crisis import emergency_number as _number


def emergency_number(ctx: JourneyContext) -> str:
    """The emergency number where the person is, marked if no source confirmed it."""
    return _number(ctx.directory, ctx.person.country)


def danger_line(ctx: JourneyContext) -> str:
    """"If you're ever in danger, call 999 straight away." for the person's country."""
    return f"If you're ever in danger, call {emergency_number(ctx)} straight away."
