"""The law where the person lives, in plain words: information, never legal advice."""

from __future__ import annotations

from actions.journeys.base import JourneyContext, listing
from actions.replies import Reply, button
from bot.directory.render import law_text


def build(ctx: JourneyContext) -> Reply:
    reply = Reply("law")
    country = ctx.person.country
    laws = ctx.directory.laws_for(country)
    place = ctx.directory.jurisdiction(country).name
    if laws:
        if country == "OTHER":
            intro = "Laws differ from country to country. Here's what I have:"
        elif country is None:
            intro = ("Here's what the law says in the UK, where most people using this live. "
                     "Tell me where you live if it's somewhere else.")
        else:
            intro = f"Here's what the law says in {place}."
        reply.say(intro)
        for law in laws:
            reply.say(law_text(law))
    else:
        reply.say("I don't have information about the law where you live. Services like "
                  "StopNCII and Take It Down work from anywhere.")
    reply.say("This is general information, not legal advice.")
    advice = ctx.services("legal_advice")
    if advice:
        reply.say("For advice about your own situation:")
        reply.say(listing(advice))
        reply.offer([s.id for s in advice])
    reply.buttons = [
        button("Report to the police", "/ask_police"),
        button("Get images taken down", "/ask_takedown"),
        button("Find support", "/ask_support"),
        button("Talk to a person", "/request_human"),
    ]
    return reply
