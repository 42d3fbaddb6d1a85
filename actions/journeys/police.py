"""Reporting to the police: local numbers and notes, and children's reporting routes."""

from __future__ import annotations

from actions.journeys.base import JourneyContext, listing
from actions.journeys.safety_line import emergency_number
from actions.replies import Reply, button

EVIDENCE_FIRST = "keep_messages"


def build(ctx: JourneyContext) -> Reply:
    reply = Reply("police")
    j = ctx.directory.jurisdiction(ctx.person.country)
    lines = [f"In an emergency, call {emergency_number(ctx)}."]
    if j.police_non_emergency:
        lines.append(f"To report it when it's not an emergency, call "
                     f"{j.police_non_emergency}.")
    else:
        lines.append("To report it when it's not an emergency, contact your local police.")
    lines.extend(j.police_notes)
    reply.say(ctx.you("You can report this to the police. It's your choice, and you "
                      "don't need to know which law it falls under.",
                      "They can report this to the police. It's their choice, and "
                      "nobody needs to know which law it falls under first."))
    reply.say("\n".join(lines))
    step = next((s for s in ctx.directory.evidence if s.id == EVIDENCE_FIRST), None)
    if step:
        reply.say(step.text)
    if ctx.person.is_minor or ctx.helper:
        routes = ctx.services("child_protection")
        if routes:
            reply.say("For anyone under 18, these can also take reports:")
            reply.say(listing(routes))
            reply.offer([s.id for s in routes])
    reply.buttons = [
        button("What the law says", "/ask_law"),
        button("What to keep as evidence", "/ask_evidence"),
        button("Find support", "/ask_support"),
        button("Talk to a person", "/request_human"),
    ]
    return reply
