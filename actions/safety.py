"""action_safety_response: crisis lines or emergency numbers, in the reply to that message.

Predicted by the SafetyPolicy for every crisis or danger message, in or out of a form.
Numbers come from the directory for the person's country (the UK when unknown). Any open
form is closed, with the answers so far kept, and the person chooses what happens next.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.journey import journey_context, record
from actions.journeys.base import JourneyContext, listing
from actions.journeys.safety_line import emergency_number
from actions.replies import Reply, button

logger = logging.getLogger(__name__)

CRISIS_INTENT = "crisis_self_harm"
# Intents that resume a journey after the person has had the crisis lines.
RESUME = {"evidence": "/ask_evidence", "takedown": "/ask_takedown", "hashing": "/ask_hashing",
          "police": "/ask_police", "law": "/ask_law", "support": "/ask_support",
          "sextortion": "/report_sextortion"}


def flags_of(tracker: Tracker) -> List[str]:
    """Danger and/or crisis, from the safety matcher or else the intent. Anything else
    that brought us here ("no" to "are you safe?") is treated as danger."""
    message = tracker.latest_message
    flags = list((message.get("safety") or {}).get("flags") or [])
    intent = (message.get("intent") or {}).get("name")
    return flags or ["crisis" if intent == CRISIS_INTENT else "danger"]


def crisis_reply(ctx: JourneyContext, flags: List[str]) -> Reply:
    reply = Reply("support")
    j = ctx.directory.jurisdiction(ctx.person.country)
    number = emergency_number(ctx)
    if "danger" in flags:
        reply.say(f"If you are in danger right now, please call {number}. "
                  "Your safety comes first.")
        if "crisis" not in flags:
            notes = [n for n in j.police_notes if "999" in n or "cannot speak" in n]
            reply.say("\n".join(notes) if notes else None)
    if "crisis" in flags:
        lines = [ctx.directory.service(s) for s in j.crisis_services]
        if ctx.person.is_minor:
            lines += [s for s in ctx.services("children_support") if s not in lines]
        reply.say(ctx.you(
            "I'm really sorry you're feeling like this. You don't have to go through it "
            "alone: you can talk to someone right now, for free.",
            "I'm really sorry. If they're thinking about suicide or hurting themselves, "
            "they, or you, can talk to someone right now, for free."))
        if lines:
            reply.say(listing(lines))
            reply.offer([s.id for s in lines])
        if "danger" not in flags:
            reply.say(f"If a life is at risk right now, call {number}.")
    reply.say("I'm still here. Whenever you're ready, we can carry on, or I can ask a "
              "person from the team to contact you.")
    return reply


class ActionSafetyResponse(Action):
    def name(self) -> Text:
        return "action_safety_response"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        flags = flags_of(tracker)
        ctx = journey_context(tracker)
        reply = crisis_reply(ctx, flags)
        reply.buttons = [button("Talk to a person", "/request_human")]
        interrupted = tracker.active_loop.get("name")
        resume = ("/request_human" if interrupted == "handoff_form"
                  else RESUME.get(tracker.get_slot("journey") or ""))
        reply.buttons.append(button("Carry on where we were", resume) if resume
                             else button("Show me the options", "/ask_capabilities"))
        reply.send(dispatcher)
        logger.info("safety response given for flags %s", flags)

        risk = sorted(set(tracker.get_slot("risk_flags") or [])
                      | {"immediate_danger" if f == "danger" else "crisis" for f in flags})
        events: List[EventType] = [SlotSet("risk_flags", risk)]
        if interrupted:
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        tracker.add_slots(events)  # the referral is recorded with the new flags
        return events + record(tracker, reply)
