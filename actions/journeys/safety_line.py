"""The one-line emergency reminder, with the number for the person's country."""

from __future__ import annotations

from actions.journeys.base import JourneyContext
from bot.directory.render import UNVERIFIED


def emergency_number(ctx: JourneyContext) -> str:
    j = ctx.directory.jurisdiction(ctx.person.country)
    if j.provenance.is_unverified("emergency"):
        return f"your local emergency number ({j.emergency} in many places {UNVERIFIED})"
    return j.emergency


def danger_line(ctx: JourneyContext) -> str:
    return f"If you're ever in danger, call {emergency_number(ctx)} straight away."
