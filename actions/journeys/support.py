"""Support services chosen by situation, age and country, with hours where known."""

from __future__ import annotations

from typing import List

from actions.journeys.base import JourneyContext, listing, next_steps
from actions.replies import Reply
from bot.directory.schema import Service

PARTNER_ABUSE = ("ex_partner", "partner")
SHOWN = 5  # a short list helps more than a long one


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


def build(ctx: JourneyContext) -> Reply:
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
    return reply
