"""Evidence preservation: what to capture and keep, and never sending the images."""

from __future__ import annotations

from actions.journeys.base import JourneyContext, next_steps
from actions.journeys.safety_line import danger_line
from actions.replies import Reply
from bot.directory.render import evidence_text

# The directory's first step names several countries' numbers; we give the person's own.
LOCAL_STEP = "safety_first"


def build(ctx: JourneyContext) -> Reply:
    steps = [s for s in ctx.directory.evidence_for(ctx.person) if s.id != LOCAL_STEP]
    reply = Reply("evidence")
    reply.say(ctx.you(
        "Here's what to keep. It helps with getting images taken down and with the police, "
        "and you can do it at your own pace.",
        "Here's what to keep. It helps with getting images taken down and with the police. "
        "They can do it at their own pace, and you can help."))
    reply.say(evidence_text(steps))
    reply.say(danger_line(ctx))
    reply.buttons = next_steps("/ask_evidence")
    return reply
