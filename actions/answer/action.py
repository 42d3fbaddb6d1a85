"""action_answer: the reply to whatever the person told or asked, helping first.

One action answers stories, facts, direct questions, feelings and the answers to our own
questions, because each needs the same thing: everything known so far, made into a case
plan, said in at most three short messages. The topic of each turn:

- a direct question (evidence, takedown, hashing, police, law, support) is answered;
- a story, or a topic named inside one, gets the plan for that story or topic;
- facts alone ("I'm 19 and I live in Cardiff") re-answer the last topic for the new facts,
  or, with nothing asked yet, give the first steps;
- the answer to our own question ("yes", "rather not say", a button) is taken, and the
  help given again where it changes;
- feelings are believed, with people to talk to; only a message with nothing understood
  gets "I didn't follow".
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.answer import facts as known
from actions.answer.words import Say, next_buttons, render, steps_text
from actions.caseplan import (
    CONTACT, COST, DEMAND, ESCALATE, EVIDENCE, HASHING, LAW, MADE, POLICE, SHARED, STORY, SUPPORT,
    TAKEDOWN,
    THREATENED, Facts, Plan, plan)
from actions.replies import Reply
from actions.settings import Settings
from bot.directory import cached_directory
from bot.registry import Registry, parse_payload, registry

logger = logging.getLogger(__name__)

NAME = "action_answer"
TOPIC_OF_INTENT = {"ask_evidence": EVIDENCE, "ask_takedown": TAKEDOWN,
                   "ask_hashing": HASHING, "ask_police": POLICE, "ask_law": LAW,
                   "ask_support": SUPPORT, "tell_story": STORY}
# A topic named inside another message; earlier wins (as in bot.assistant.intent_resolver).
TOPIC_ENTITIES = (ESCALATE, COST, HASHING, EVIDENCE, POLICE, LAW, TAKEDOWN, CONTACT, SUPPORT)
# Below this, a topic named in the message outweighs the classifier's choice of question.
CONFIDENT = 0.6
FACT_ENTITIES = {"age", "age_group", "image_age_group", "country", "role", "perpetrator",
                 "platform", "group", "happened"}
FEELINGS = {"feeling_distressed", "self_blame"}
IMAGE_OFFER = "share_image"
# The route each kind of step offers, for the referral record.
ROUTE_OF_STEP = {
    "child_removal": "hashing", "hash_adult": "hashing", "hash_child_image": "hashing",
    "platform": "takedown", "report_on_site": "takedown", "search_removal": "takedown",
    "national_removal": "takedown", "keep_record": "evidence", "police": "police",
    "child_report": "police", "law": "law", "local_law_unknown": "law",
    "helpline": "support", "children_line": "support", "support": "support",
    "domestic_abuse": "support", "parents": "support", "trusted_adult": "support",
    "legal_advice": "law", "do_not_pay": "sextortion", "escalation": "takedown",
    "removal_deadline": "takedown", "free_services": "support",
}
SITUATION_OF = ((DEMAND, "sextortion"), (THREATENED, "threatened"), (SHARED, "shared"),
                (MADE, "created"))


def entities_of(tracker: Tracker) -> List[Dict[str, Any]]:
    """The entities Rasa found in the latest message (never None)."""
    return list(tracker.latest_message.get("entities") or [])


def choose_topic(intent: str, entities: List[Dict[str, Any]],
                 last_topic: Optional[str], confidence: float = 1.0) -> Optional[str]:
    """The topic this turn is about, or None when nothing in it was understood."""
    topics = [t for t in TOPIC_ENTITIES
              if t in {e.get("value") for e in entities if e.get("entity") == "topic"}]
    story = any(e.get("entity") == "happened" for e in entities)
    asked = TOPIC_OF_INTENT.get(intent) if intent != "tell_story" else None
    if ESCALATE in topics and POLICE not in topics:
        # "I reported it and they said it doesn't break their rules": whatever the
        # classifier made of "reported", the platform said no (the police are another case).
        return ESCALATE
    if COST in topics and LAW not in topics and asked != LAW:
        return COST  # "do these services cost anything" (a lawyer's fees are the law's)
    if asked == HASHING and TAKEDOWN in topics and HASHING not in topics:
        return TAKEDOWN  # "can anyone make them take it down": removal, not the service
    if asked == SUPPORT and story and not topics:
        return STORY  # "I need help, he's posted my pics": the story's plan has the help
    if asked and (confidence >= CONFIDENT or not topics or asked in topics):
        return asked
    if topics:
        return topics[0]
    if intent == "tell_story" or story:
        return STORY
    if any(e.get("entity") in FACT_ENTITIES for e in entities):
        return last_topic or STORY
    return None


def detail_asked(entities: List[Dict[str, Any]]) -> bool:
    """True when the person asked for the longer answer (its "more" button)."""
    return any(e.get("entity") == "detail" for e in entities)


class ActionAnswer(Action):
    """Helps first: the plan for everything known, then at most one question."""

    def name(self) -> Text:
        """Rasa's hook: the action's name in the domain."""
        return NAME

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any], log_done: bool = False) -> List[EventType]:
        """Rasa's hook: takes the answer to our last question, then helps on this turn's
        topic. `log_done`: the case log has already dealt with what the message says of it."""
        reg = registry()
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        entities = entities_of(tracker)
        if any(e.get("entity") == "log_action" for e in entities) and not log_done \
                and not tracker.active_loop:
            from actions.case_log_chat import ActionCaseLog  # the person's own log
            return await ActionCaseLog().run(dispatcher, tracker, domain)
        pending = known.pending_question(tracker, NAME)
        events, answered = self.take_answer(tracker, reg, intent, pending)
        events += self.forget_contradicted_age(tracker, entities + [
            {"entity": e["name"]} for e in events if e.get("event") == "slot"])
        tracker.add_slots(events)
        entities = entities + [{"entity": e["name"], "value": e["value"]}
                               for e in events if e.get("event") == "slot"
                               and e["name"] in FACT_ENTITIES]
        last_topic = tracker.get_slot(known.TOPIC_SLOT)
        confidence = (tracker.latest_message.get("intent") or {}).get("confidence", 1.0)
        topic = choose_topic(intent, entities, last_topic, confidence)
        if topic is None and answered:
            topic = last_topic or STORY
        in_form = bool(tracker.active_loop.get("name"))
        if intent == IMAGE_OFFER:
            dispatcher.utter_message(response="utter_no_images"
                                     if topic is None and not in_form else "utter_no_images_short")
        if in_form:
            return events + self.in_form(dispatcher, tracker, reg, topic, intent, entities)
        if topic is None:
            if intent == IMAGE_OFFER:
                return events
            return events + self.without_topic(dispatcher, tracker, reg, intent, pending)
        return events + self.answer(dispatcher, tracker, reg, topic, intent,
                                    detail_asked(entities))

    @staticmethod
    def take_answer(tracker: Tracker, reg: Registry, intent: str,
                    pending: Optional[str]) -> Tuple[List[EventType], bool]:
        """The person's answer to our last question: a typed yes or no means the option
        the question names; "rather not say" is respected and never asked again."""
        events: List[EventType] = [SlotSet(known.QUESTION_SLOT, None)]
        question = reg.questions.get(pending or "")
        if question is None:
            return events, False
        if intent == "unsure":
            declined = sorted(set(tracker.get_slot(known.DECLINED_SLOT) or []) | {pending})
            return events + [SlotSet(known.DECLINED_SLOT, declined)], True
        title = {"affirm": question.yes, "deny": question.no}.get(intent)
        option = question.option(title)
        if option is None:
            return events, False
        parsed = parse_payload(option.payload)
        entities = parsed[1] if parsed else {}
        return events + [SlotSet(name, value) for name, value in entities.items()], True

    @staticmethod
    def note_in_log(tracker: Tracker, reply: Reply, platforms: List[str]) -> None:
        """Links and @usernames the person gave go into their log, said in one line at the
        end of the reply (the log must never stop an answer)."""
        from actions.caselog.case_file import case_file
        from actions.caselog.from_story import note_volunteered
        text = tracker.latest_message.get("text") or ""
        try:
            directory = cached_directory()
            added = note_volunteered(case_file().log, tracker.sender_id, text,
                                     platforms[0] if len(platforms) == 1 else None,
                                     {p.id: p.aliases for p in directory.platforms})
        except Exception as error:  # the database is down: the answer still goes out
            logger.warning("could not note volunteered details (%s)", type(error).__name__)
            return
        if added and reply.messages:
            numbers = ", ".join(str(n) for n in added)
            reply.messages[-1] += (
                f"\nI've kept what you gave me in your private log (entry {numbers}), as "
                "text, without opening any link. Say \"show my log\" to see it, or "
                f"\"remove entry {added[0]}\" if you'd rather I didn't.")

    @staticmethod
    def overdue(tracker: Tracker, reply: Reply) -> List[EventType]:
        """A report in the person's log past its time limit is said in the next reply,
        once, with where to escalate it (in the notes message: still three at most)."""
        from actions.case_log_chat import overdue_note
        told = [int(n) for n in tracker.get_slot("overdue_told") or []]
        note = overdue_note(tracker, told)
        if note is None:
            return []
        text, numbers = note
        at = 1 if len(reply.messages) > 2 else len(reply.messages)
        if at < len(reply.messages):
            reply.messages[at] = reply.messages[at] + "\n" + text
        else:
            reply.messages.append(text)
        return [SlotSet("overdue_told", sorted(set(told) | set(numbers)))]

    @staticmethod
    def forget_contradicted_age(tracker: Tracker,
                                entities: List[Dict[str, Any]]) -> List[EventType]:
        """An age group given without a number ("18 or over") replaces an older number."""
        named = {e.get("entity") for e in entities}
        if "age_group" in named and "age" not in named and tracker.get_slot("age") is not None:
            return [SlotSet("age", None)]
        return []

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, reg: Registry,
               topic: str, intent: str, detail: bool) -> List[EventType]:
        """The plan for `topic` with everything known, said, remembered and recorded as offered."""
        directory = cached_directory()
        platforms = [p for p in known.entity_values(tracker, "platform")
                     if directory.platform(str(p))]
        facts = known.facts(tracker, platforms)
        journey = self.journey_for(reg, topic, facts)
        case = plan(facts, directory, topic, known.asked(tracker), reg.journey(journey).needs,
                    limit=None if detail else 3)
        say = Say(directory, facts, case, reg, detail=detail,
                  facts_only=intent in ("inform", "affirm", "deny", "unsure")
                  and not any(e.get("entity") == "happened"
                              for e in tracker.latest_message.get("entities") or []))
        reply = render(say, leave_out=journey)
        self.note_in_log(tracker, reply, platforms)
        overdue = self.overdue(tracker, reply)
        if intent in FEELINGS and topic == STORY:
            reply.messages[0] = feelings_lead(intent) + "\n" + reply.messages[0]
        reply.send(dispatcher)
        logger.info("answered %s (%d steps, question %s)", topic, len(case.steps),
                    case.question or "none")
        return overdue + self.remember(tracker, case, facts, platforms, topic) + context.record_offer(
            tracker, routes_of(case, reg.journey(journey).route), case.services,
            reply.platforms)

    @staticmethod
    def journey_for(reg: Registry, topic: str, facts: Facts) -> str:
        """Which journey's route and title an answer uses: "threats" for a threat or contact."""
        if (topic == STORY and facts.threatened) or topic == CONTACT:
            return "threats"
        if topic == ESCALATE:
            return TAKEDOWN
        if topic == COST:
            return SUPPORT
        return topic

    def in_form(self, dispatcher: CollectingDispatcher, tracker: Tracker, reg: Registry,
                topic: Optional[str], intent: str,
                entities: List[Dict[str, Any]]) -> List[EventType]:
        """In the middle of the handoff form: a short answer, then the form asks again."""
        if intent == "request_human" or any(
                e.get("entity") == "topic" and e.get("value") == "team_time" for e in entities):
            hours = Settings.from_env().team_hours
            dispatcher.utter_message(text=(
                "Someone from the team will contact you at the time you choose, in the way "
                "you choose." + (f" The team works {hours}." if hours else "")
                + " Let's finish setting it up."))
            return []
        if intent in FEELINGS or topic is None:
            if intent != IMAGE_OFFER:
                dispatcher.utter_message(text=feelings_lead(intent) if intent in FEELINGS
                                         else "I'm here. Let's carry on, or say \"cancel\" "
                                              "to stop.")
            return []
        directory = cached_directory()
        platforms = [p for p in known.entity_values(tracker, "platform")
                     if directory.platform(str(p))]
        facts = known.facts(tracker, platforms)
        case = plan(facts, directory, topic, limit=2)
        dispatcher.utter_message(text=steps_text(Say(directory, facts, case, reg)))
        return context.record_offer(tracker, routes_of(case, None), case.services)

    @staticmethod
    def remember(tracker: Tracker, case: Plan, facts: Facts, platforms: List[str],
                 topic: str) -> List[EventType]:
        """Slots for the next turn: topic, question, all questions asked, platforms, situation."""
        asked = set(tracker.get_slot(known.ASKED_SLOT) or [])
        if case.question:
            asked.add(case.question)
        situation = next((name for fact, name in SITUATION_OF if fact in facts.happened),
                         None)
        events: List[EventType] = [
            SlotSet(known.TOPIC_SLOT, topic), SlotSet(known.QUESTION_SLOT, case.question),
            SlotSet(known.ASKED_SLOT, sorted(asked)), SlotSet("platforms", platforms)]
        if situation:
            events.append(SlotSet("situation", situation))
        return events

    def without_topic(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      reg: Registry, intent: str, pending: Optional[str]) -> List[EventType]:
        """Small talk, feelings, or a message not understood: never a dead end."""
        menu = [b.as_dict() for b in reg.menu_buttons()]
        reply = Reply(route="")
        if intent in FEELINGS or not any(c.isalnum() for c in
                                          tracker.latest_message.get("text") or "x"):
            return self.feelings(dispatcher, tracker, reg, intent)
        if intent == "affirm" and known.previous_action(tracker) == "action_welcome":
            reply.say("I'm glad you're safe right now. Take your time: there's no rush. "
                      "Tell me what's happened in your own words, or choose one of these.")
            reply.buttons = menu
            reply.send(dispatcher)
            return []
        if intent == "affirm" and known.previous_action(tracker) == "action_safety_response":
            last = tracker.get_slot(known.TOPIC_SLOT)
            if last:
                return self.answer(dispatcher, tracker, reg, last, intent, False)
        said = {e.get("entity") for e in tracker.latest_message.get("entities") or []}
        if "safe_now" in said:
            reply.say("I'm glad you're safe right now. Take your time: there's no rush. "
                      "Tell me what's happened in your own words, or choose one of these.")
        elif intent in ("affirm", "ask_capabilities"):
            reply.say(CAPABILITIES)
        elif intent in ("deny", "unsure"):
            reply.say("That's OK. Whenever you're ready, I'm here. You can tell me what's "
                      "happened in your own words, or choose one of these.")
        elif intent == "out_of_scope":
            reply.say("I'm sorry, that's not something I can help with. I'm here for anyone "
                      "dealing with intimate images, real or fake, made, shared or "
                      "threatened without consent.")
        else:
            reply.say("I'm sorry, I didn't quite follow that. That's my fault, not yours. "
                      "You can tell me what's happened in your own words, or choose one of "
                      "these.")
            logger.info("message not understood")
        reply.buttons = menu
        overdue = self.overdue(tracker, reply)  # whatever was said, the next reply has it
        reply.send(dispatcher)
        return overdue

    def feelings(self, dispatcher: CollectingDispatcher, tracker: Tracker, reg: Registry,
                 intent: str) -> List[EventType]:
        """Belief first, then people to talk to now, then the choices."""
        directory = cached_directory()
        facts = known.facts(tracker)
        case = plan(facts, directory, SUPPORT, limit=1)
        say = Say(directory, facts, case, reg)
        reply = Reply(route="support", services=case.services)
        reply.say(feelings_lead(intent))
        reply.say(steps_text(say))
        reply.say("When you're ready, I can help you with what to do next, one step at a "
                  "time. You can tell me what's happened, or choose one of these.")
        reply.buttons = [b.as_dict() for b in next_buttons(reg, "support", True)]
        reply.send(dispatcher)
        return context.record_offer(tracker, ["support"], case.services)


def feelings_lead(intent: str) -> str:
    """The line of belief that opens a reply to feelings or self-blame."""
    if intent == "self_blame":
        return ("This is not your fault. Sharing a photo with someone you trusted, or "
                "posting ordinary pictures, never gives anyone the right to make or share "
                "sexual images of you. The person who did this is responsible.")
    return ("I'm so sorry. What you're feeling makes sense: this is a violation, and it is "
            "not your fault. You don't have to deal with it alone.")


def routes_of(case: Plan, route: Optional[str]) -> List[str]:
    """The routes a plan offers (and the journey's own), for the referral record."""
    routes = {ROUTE_OF_STEP[s.kind] for s in case.steps if s.kind in ROUTE_OF_STEP}
    return sorted(routes | ({route} if route else set()))


CAPABILITIES = (
    "I can help you keep evidence safely, get images taken down, stop them being shared "
    "again, understand the law and reporting to the police, and find support. I can also "
    "put you in touch with a person from the team. I can't see images, give legal advice "
    "or contact anyone for you without your say-so. Tell me what's happened in your own "
    "words, or choose one of these.")
