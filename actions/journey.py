"""action_continue_journey: gives the help the person asked for, once triage is done."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.journeys import BUILDERS, JourneyContext
from actions.referrals import referrals
from actions.replies import Reply
from bot.directory import cached_directory

logger = logging.getLogger(__name__)


def journey_context(tracker: Tracker) -> JourneyContext:
    return JourneyContext(
        directory=cached_directory(),
        person=context.person(tracker),
        helper=context.is_helper(tracker),
        platforms=context.known_platforms(tracker),
        perpetrator=tracker.get_slot("perpetrator") or "",
        groups=tuple(tracker.get_slot("groups") or ()),
        risk_flags=tuple(context.risk_flags(tracker)),
        more=tracker.get_slot("support_scope") == "more",
    )


def record(tracker: Tracker, reply: Reply) -> List[EventType]:
    """Logs what was offered (no message text) and remembers it in slots."""
    routes = sorted(set(tracker.get_slot("routes_offered") or []) | {reply.route})
    services = sorted(set(tracker.get_slot("services_offered") or []) | set(reply.services))
    referrals().record(
        "referral", tracker.sender_id, context.channel(tracker), context.triage(tracker),
        context.risk_flags(tracker), routes, services,
        sorted(set(context.known_platforms(tracker)) | set(reply.platforms)))
    return [SlotSet("routes_offered", routes), SlotSet("services_offered", services)]


class ActionContinueJourney(Action):
    def name(self) -> Text:
        return "action_continue_journey"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        journey = tracker.get_slot("journey")
        builder = BUILDERS.get(journey or "")
        if builder is None:
            dispatcher.utter_message(response="utter_menu")
            return []
        reply = builder(journey_context(tracker))
        reply.send(dispatcher)
        logger.info("journey %s given", journey)
        return record(tracker, reply) + [SlotSet("support_scope", None)]


TRIAGE_ENTITIES = {"platform", "country", "age", "age_group", "role", "perpetrator", "group"}
SITUATION_INTENTS = {"report_created": "created", "report_shared": "shared",
                     "report_threat": "threatened"}
# "I'm 16, my ex posted fakes of me" is both: the story matters more than the age.
STORY_CONFIDENCE = 0.15


class ActionNoteVolunteered(Action):
    """Something about the person, told out of the blue: thank them if we understood it,
    and if the message also told what happened, answer that."""

    def name(self) -> Text:
        return "action_note_volunteered"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        message = tracker.latest_message
        story = next((r["name"] for r in (message.get("intent_ranking") or [])[:3]
                      if r.get("name") in SITUATION_INTENTS
                      and r.get("confidence", 0) >= STORY_CONFIDENCE), None)
        if story:
            dispatcher.utter_message(response="utter_situation_ack")
            dispatcher.utter_message(response="utter_next_steps")
            return [SlotSet("situation", SITUATION_INTENTS[story])]
        entities = {e.get("entity") for e in message.get("entities") or []}
        intent = (message.get("intent") or {}).get("name", "")
        if entities & TRIAGE_ENTITIES or intent in ("inform_role_self", "inform_role_helper"):
            dispatcher.utter_message(response="utter_noted")
            dispatcher.utter_message(response="utter_menu")
        else:
            dispatcher.utter_message(response="utter_default")
        return []
