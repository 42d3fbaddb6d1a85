"""Hashing: StopNCII for adults; Take It Down (and Report Remove in the UK) for under-18s."""

from __future__ import annotations

from actions.journeys.base import JourneyContext, listing, next_steps
from actions.replies import Reply

HOW_IT_WORKS = "hashing_on_device"


def build(ctx: JourneyContext) -> Reply:
    reply = Reply("hashing")
    step = next((s for s in ctx.directory.evidence if s.id == HOW_IT_WORKS), None)
    reply.say("A \"hash\" is a digital fingerprint of an image. Partner platforms use it to "
              "block copies, without anyone seeing the image.")
    if ctx.person.is_minor:
        services = ctx.services("hashing_minor", "minor_removal")
        reply.say(ctx.you("Because you're under 18, these are the right services:",
                          "Because they're under 18, these are the right services:"))
        reply.say(listing(services))
    elif ctx.person.is_adult:
        services = ctx.services("hashing_adult")
        reply.say(listing(services))
        partners = ", ".join(p.name for p in ctx.directory.stopncii_partners())
        reply.say(f"Platforms that use StopNCII's hashes include {partners}.")
        minors = ctx.directory.find(["hashing_minor"])
        reply.say("If anyone in the image was under 18 when it was taken, use "
                  + " or ".join(s.name for s in minors) + " instead.")
        reply.offer([s.id for s in minors])
    else:
        services = ctx.services("hashing_adult", "hashing_minor", "minor_removal")
        reply.say("Which service depends on age: if you were under 18 in the image, use the "
                  "children's services (Take It Down, or Report Remove in the UK); if you "
                  "were 18 or over, use StopNCII.")
        reply.say(listing(services))
    if step:
        reply.say(step.text)
    reply.offer([s.id for s in services])
    reply.buttons = next_steps("/ask_hashing")
    return reply
