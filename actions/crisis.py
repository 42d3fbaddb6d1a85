"""action_safety_response: crisis lines or emergency numbers, in the reply to that message,
and whatever else the person said still answered.

Predicted by the SafetyPolicy for every crisis or danger message, in or out of a form.
Numbers come from the directory for the person's country (the charity's home when
unknown). Any open form is closed, with the answers so far kept. At most three messages:
the safety lines first; then, if the message also told or asked something ("I want to
die, he's posted my pictures"), the first steps for that; then an offer to carry on or
talk to a person.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.answer import facts as known
from actions.answer.action import TOPIC_OF_INTENT, choose_topic
from actions.answer.words import Say, service_line, steps_text
from actions.caseplan import Facts, plan
from actions.replies import Reply
from bot.directory import Directory, cached_directory
from bot.directory.emergency import emergency_number
from bot.directory.describe import silent_call_text
from bot.registry import registry

logger = logging.getLogger(__name__)

CRISIS_INTENT = "crisis_self_harm"
# A second intent this confident in the classifier's ranking is something else the
# person asked, to answer after the crisis lines.
REST_CONFIDENCE = 0.15
REST_STEPS = 2


def flags_of(tracker: Tracker) -> List[str]:
    """Danger and/or crisis, from the safety matcher or else the intent. Anything else
    that brought us here ("I'm not safe" after the welcome) is treated as danger."""
    message = tracker.latest_message
    flags = list((message.get("safety") or {}).get("flags") or [])
    intent = (message.get("intent") or {}).get("name")
    return flags or ["crisis" if intent == CRISIS_INTENT else "danger"]


def safety_text(directory: Directory, facts: Facts, country: Optional[str],
                flags: List[str], helper: bool) -> List[str]:
    """The safety messages: danger first, then crisis lines (children's lines too)."""
    place = directory.jurisdiction(country)
    number = emergency_number(directory, country)
    messages: List[str] = []
    if "danger" in flags:
        lines = [f"If you are in danger right now, please call {number}. Your safety comes "
                 "first."]
        silent = silent_call_text(place)
        if silent:
            lines.append(silent)
        messages.append("\n".join(lines))
    if "crisis" in flags:
        person = facts.person(place.id)
        services = [directory.service(s) for s in place.crisis_services]
        if facts.minor_now:
            services += [s for s in directory.find(["children_support"], person)
                         if s not in services]
        free = ", for free" if services and all(s.free for s in services) else ""
        lead = ("I'm really sorry. If they're thinking about suicide or hurting themselves, "
                f"they, or you, can talk to someone right now{free}:" if helper else
                "I'm really sorry you're feeling like this. You don't have to go through it "
                f"alone: you can talk to someone right now{free}:")
        text = lead + "".join(f"\n   {service_line(s)}" for s in services)
        if "danger" not in flags:
            text += f"\nIf a life is at risk right now, call {number}."
        messages.append(text)
    return messages


# Said before anything else when the words are panic ("I can't breathe, everything is
# spinning") and the safety matcher found no danger language: a moment of calm first.
# The emergency number follows as always (a person who cannot breathe may need it).
PANIC_LEAD = ("That sounds really frightening, and I'm here with you. If you can, breathe "
              "out slowly, a little longer than you breathe in, a few times. It will pass.")


def panicking(tracker: Tracker) -> bool:
    """Signs of panic without danger language of the matcher's (someone choking them)."""
    message = tracker.latest_message
    if "danger" in ((message.get("safety") or {}).get("flags") or []):
        return False
    return any(e.get("entity") == "panic" for e in message.get("entities") or [])


def rest_of_message(tracker: Tracker) -> Optional[str]:
    """What else the message told or asked, as a topic, or None."""
    message = tracker.latest_message
    ranking = [r for r in message.get("intent_ranking") or []
               if r.get("name") not in ("crisis_self_harm", "immediate_danger")]
    second = next((r["name"] for r in ranking if r.get("confidence", 0) >= REST_CONFIDENCE
                   and r.get("name") in TOPIC_OF_INTENT), "")
    entities = [e for e in message.get("entities") or [] if e.get("entity") != "age"
                or any(x.get("entity") == "happened" for x in message.get("entities") or [])]
    return choose_topic(second, entities, None) if entities or second else None


class ActionSafetyResponse(Action):
    """Crisis lines or the emergency number at once, then the rest of the message answered."""

    def name(self) -> Text:
        """Rasa's hook: the action's name in the domain."""
        return "action_safety_response"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        """Rasa's hook: gives the safety lines, closes any open form and records the risk flags."""
        flags = flags_of(tracker)
        directory = cached_directory()
        reg = registry()
        platforms = [p for p in known.entity_values(tracker, "platform")
                     if directory.platform(str(p))]
        facts = known.facts(tracker, platforms)
        reply = Reply("support")
        texts = safety_text(directory, facts, facts.country, flags, facts.helper)
        if panicking(tracker):
            texts[0] = PANIC_LEAD + "\n" + texts[0]
        for text in texts:
            reply.say(text)
        country = facts.country or directory.home
        reply.offer(list(directory.jurisdiction(country).crisis_services))

        topic = rest_of_message(tracker)
        events: List[EventType] = []
        if topic and len(reply.messages) < 2:
            case = plan(facts, directory, topic, limit=REST_STEPS)
            text = "And for what you told me:\n" + steps_text(Say(directory, facts, case, reg))
            if case.domestic_abuse:
                text += "\nBecause it's a partner or ex, domestic abuse services can help too:"
                text += "".join(f"\n   {service_line(directory.service(s))}"
                                for s in case.domestic_abuse)
            reply.say(text)
            reply.offer(case.services)
            events.append(SlotSet(known.TOPIC_SLOT, topic))
        reply.say("I'm still here. Whenever you're ready, we can carry on, or I can ask a "
                  "person from the team to contact you.")
        interrupted = tracker.active_loop.get("name")
        resume = (reg.journey("people").button if interrupted == "handoff_form"
                  else reg.buttons["carry_on"] if tracker.get_slot(known.TOPIC_SLOT) or topic
                  else reg.buttons["show_options"])
        reply.buttons = [reg.journey("people").button.as_dict()]
        if resume.payload != reply.buttons[0]["payload"]:
            reply.buttons.append(resume.as_dict())
        reply.send(dispatcher)
        logger.info("safety response given for flags %s", flags)

        risk = sorted(set(tracker.get_slot("risk_flags") or [])
                      | {"immediate_danger" if f == "danger" else "crisis" for f in flags})
        events.append(SlotSet("risk_flags", risk))
        if interrupted:
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        tracker.add_slots(events)  # the referral is recorded with the new flags
        return events + context.record_offer(tracker, ["support"], reply.services)
