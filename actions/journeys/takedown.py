"""Getting images taken down: each named platform's route, then specialist help."""

from __future__ import annotations

from actions.journeys.base import JourneyContext, listing
from actions.replies import Reply, button
from bot.directory.render import platform_text

# Search engines can hide results wherever the images are hosted.
SEARCH_REMOVAL = "google"
# Removal can destroy evidence: the directory's step says so with its source.
EVIDENCE_FIRST = "keep_messages"


def build(ctx: JourneyContext) -> Reply:
    reply = Reply("takedown")
    platforms = [p for p in (ctx.directory.platform(i) for i in ctx.platforms) if p]
    if platforms:
        reply.say("Here's how to report it:")
    else:
        reply.say(
            "Report the post or profile on the site where it is, using its report option for "
            "intimate or non-consensual images, and keep any reference number you get. "
            "You can also ask search engines to hide it:")
        platforms = [ctx.directory.platform(SEARCH_REMOVAL)]
    for platform in platforms:
        reply.say(platform_text(platform))
        reply.platforms.append(platform.id)

    step = next((s for s in ctx.directory.evidence if s.id == EVIDENCE_FIRST), None)
    if step:
        reply.say(f"Before you report: {step.text}")

    kinds = (("minor_removal", "hashing_minor", "removal_reporting") if ctx.person.is_minor
             else ("iia_helpline", "removal_reporting"))
    helpers = ctx.services(*kinds)
    if helpers:
        reply.say(ctx.you("You don't have to do this alone. These services can help get "
                          "images removed:",
                          "They don't have to do this alone. These services can help get "
                          "images removed:"))
        reply.say(listing(helpers))
        reply.offer([s.id for s in helpers])
    reply.buttons = [
        button("Stop them being shared again", "/ask_hashing"),
        button("What to keep as evidence", "/ask_evidence"),
        button("Report to the police", "/ask_police"),
        button("Talk to a person", "/request_human"),
    ]
    return reply
