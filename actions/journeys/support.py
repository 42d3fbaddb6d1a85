"""Support services chosen by situation, age and country, with hours where known."""

from __future__ import annotations

from typing import List

from actions.journeys.base import JourneyContext, listing, next_steps
from actions.replies import Reply, button
from bot.directory.schema import Service

PARTNER_ABUSE = ("ex_partner", "partner")
SHOWN = 5  # a short list helps more than a long one
# Offered on request ("More services"): support for sexual violence, victims of crime,
# young people, LGBT+ people and men, wherever the person is eligible.
MORE_KINDS = ("sexual_violence", "victim_support", "young_people", "lgbt", "men",
              "domestic_abuse", "emotional_support", "parents", "escalation")
MORE_PAYLOAD = '/ask_support{"support_scope": "more"}'


def choose(ctx: JourneyContext) -> List[Service]:
    """Specialists first, then what fits the person's situation, then general support."""
    kinds: List[str] = []
    if ctx.person.is_minor:
        kinds += ["children_support", "minor_removal"]
        if ctx.helper:
            kinds.append("parents")
    else:
        kinds += ["iia_helpline", "removal_reporting"]
    if ctx.perpetrator in PARTNER_ABUSE:
        kinds.append("domestic_abuse")
    if "lgbt" in ctx.groups:
        kinds.append("lgbt")
    if "men" in ctx.groups and ctx.perpetrator in PARTNER_ABUSE:
        kinds.append("men")
    kinds += ["emotional_support", "young_people" if ctx.person.is_minor else "victim_support"]

    chosen: List[Service] = []
    for kind in kinds:
        for service in ctx.services(kind):
            if service not in chosen:
                chosen.append(service)
    if "men" not in ctx.groups:  # a service only for men is for those who said so
        chosen = [s for s in chosen if "men" not in s.kinds or "lgbt" in s.kinds]
    return chosen[:SHOWN]


def more(ctx: JourneyContext, shown: List[Service]) -> List[Service]:
    """Eligible services of the wider kinds that the short list did not show."""
    return [s for s in ctx.services(*MORE_KINDS) if s not in shown]


def build(ctx: JourneyContext) -> Reply:
    if ctx.more:
        return build_more(ctx)
    reply = Reply("support")
    services = choose(ctx)
    if services:
        reply.say(ctx.you("You don't have to go through this alone. These services are free "
                          "and understand what you're dealing with:",
                          "Neither of you has to go through this alone. These services are "
                          "free and understand what's happening:"))
        reply.say(listing(services))
    else:
        reply.say("I don't have services listed where you are yet, but I can put you in "
                  "touch with a person from the team.")
    reply.offer([s.id for s in services])
    reply.buttons = next_steps("/ask_support")
    if more(ctx, services):
        reply.buttons.insert(0, button("More services", MORE_PAYLOAD))
    return reply


def build_more(ctx: JourneyContext) -> Reply:
    reply = Reply("support")
    services = more(ctx, choose(ctx))
    if services:
        reply.say("More services that may help, including support after sexual violence:")
        reply.say(listing(services))
    else:
        reply.say("Those are all the services I know of for where you are.")
    reply.offer([s.id for s in services])
    reply.buttons = next_steps()
    return reply
