"""Sextortion: don't pay, stop contact, keep evidence, report; the under-18 route."""

from __future__ import annotations

from actions.journeys.base import JourneyContext, listing, next_steps
from actions.journeys.safety_line import danger_line
from actions.replies import Reply

STEPS = ("do_not_engage",)


def build(ctx: JourneyContext) -> Reply:
    reply = Reply("sextortion")
    reply.say(ctx.you(
        "This is not your fault, and you're not in trouble. People who do this rely on "
        "panic; you have more options than it may feel like right now.",
        "This is not their fault, and they're not in trouble. People who do this rely on "
        "panic; there are more options than it may feel like right now."))
    capture = [s for s in ctx.directory.evidence_for(ctx.person)
               if s.id in STEPS or s.id.startswith("capture_url")]
    reply.say("\n".join(f"• {s.text}" for s in capture))
    if ctx.person.is_minor:
        reply.say(ctx.you("Please tell an adult you trust: this is not your fault, and "
                          "they can help. These services help young people with exactly "
                          "this:",
                          "These services help young people with exactly this:"))
        services = ctx.services("child_protection", "minor_removal", "hashing_minor",
                                "children_support")
    else:
        reply.say("These services can help, including getting images blocked or removed:")
        services = ctx.services("iia_helpline", "hashing_adult", "removal_reporting")
    if services:
        reply.say(listing(services))
    reply.say(danger_line(ctx))
    reply.offer([s.id for s in services])
    reply.buttons = next_steps()
    return reply
