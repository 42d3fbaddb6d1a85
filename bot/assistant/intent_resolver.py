"""The intent resolver: what the classifier was unsure of, settled by what was said.

It runs after the safety matcher and never touches a crisis or danger intent. Two cases:

- A button title typed as text ("Get images taken down") means exactly its button: the
  intent and entities of its payload, from the journey registry and the domain's responses.
- A message the classifier took for small talk or did not understand (a greeting, "ok",
  the fallback...) but which names a topic ("which police do I contact?"), tells what
  happened ("hi, my ex posted pics of me") or gives a fact ("19, cardiff") becomes a
  question on that topic, a story, or facts given: understood means acted on.
- An offer to send the image ("can I send you the pic?") is always taken as one, so it is
  always declined; "should I delete his messages?" is about evidence, never erasure.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.assistant import spacy_pipeline
from bot.assistant.safety import CONTACT_DETAIL, SAFETY_INTENTS, SAFETY_KEY
from bot.registry import button_titles, parse_payload, title_key

NAME = "IntentResolver"
# Intents that say nothing about the person's situation: a message with content and one
# of these was misread. "deny" is not one: "no, not the police" names a topic it refuses.
WEAK_INTENTS = {"greet", "goodbye", "thank", "affirm", "unsure", "out_of_scope",
                "ask_capabilities", "nlu_fallback"}
# An offer to send the image is always answered as one: nothing is ever accepted.
IMAGE_OFFER = ("image_offer", "share_image")
# "Should I delete his messages?" is about evidence, never a request to erase our chat.
NOT_ERASURE = ("delete_data", "evidence", "ask_evidence")
# A topic named in words, and the intent that asks about it; earlier wins when several are
# named ("what do I keep before I report it?" is about evidence).
TOPIC_INTENTS = {"escalate": "ask_takedown", "cost": "ask_support",
                 "hashing": "ask_hashing", "evidence": "ask_evidence",
                 "police": "ask_police", "law": "ask_law", "takedown": "ask_takedown",
                 "privacy": "ask_privacy", "human": "request_human",
                 "support": "ask_support", "contact": "tell_story",
                 "team_time": "request_human"}
STORY_INTENT = "tell_story"
FEELING_INTENT = "feeling_distressed"
# A web address in the person's words (with a scheme, www., or a site and a path).
LINK = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9-]+\.[a-z]{2,}/\S*", re.IGNORECASE)
FACTS_INTENT = "inform"
LOG_ACTION, LOG_INTENT = "log_action", "case_log"
CONTACT_INTENT = "inform_contact_method"
SAFE_INTENT = "affirm"  # "I'm safe, it's just the pictures" answers the welcome
FACT_ENTITIES = {"age", "age_group", "image_age_group", "country", "role", "perpetrator",
                 "platform", "group"}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class IntentResolver(GraphComponent):
    """Typed button titles, and topics, stories or facts the classifier missed."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Rasa's hook: where the domain's and the journeys' buttons are read from."""
        return {"domain": "domain", "registry": "data/journeys/registry.yml"}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.titles = button_titles(spacy_pipeline.resolve(config["domain"]),
                                    spacy_pipeline.resolve(config["registry"]))

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "IntentResolver":
        """Rasa's hook: builds the resolver from its config."""
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        """Rasa's hook: settles typed button titles, image offers and misread messages."""
        for message in messages:
            text = message.get(TEXT) or ""
            intent = (message.get(INTENT) or {}).get("name")
            if not text or text.startswith("/"):
                continue
            button = self.titles.get(title_key(text))
            parsed = parse_payload(button[1]) if button else None
            flagged = bool((message.get(SAFETY_KEY) or {}).get("flags"))
            # A safety intent stays, except the classifier's own guess on one of our button
            # titles typed word for word ("Someone is threatening me"): the matcher found no
            # crisis or danger language in it, and the button says what it means.
            if intent in SAFETY_INTENTS and (flagged or not parsed):
                continue
            entities = message.get(ENTITIES) or []
            if parsed:
                self._as_button(message, *parsed)
            elif CONTACT_DETAIL.match(text.strip()) and intent not in SAFETY_INTENTS:
                # An email address or a phone number alone is contact details, whatever the
                # classifier made of it (the handoff form asks for exactly this).
                _set_intent(message, CONTACT_INTENT)
            elif any(e.get("entity") == IMAGE_OFFER[0] for e in entities):
                _set_intent(message, IMAGE_OFFER[1])
            elif intent == NOT_ERASURE[0] and any(
                    e.get("entity") == "topic" and e.get("value") == NOT_ERASURE[1]
                    for e in entities):
                _set_intent(message, NOT_ERASURE[2])
            elif any(e.get("entity") == LOG_ACTION for e in entities) and intent in (
                    WEAK_INTENTS | {"delete_data", "inform", "tell_story"}):
                # "delete my whole log", "the reddit one is gone": the person's case log.
                _set_intent(message, LOG_INTENT)
            elif intent in WEAK_INTENTS | {FACTS_INTENT} and LINK.search(text) and not any(
                    e.get("entity") in FACT_ENTITIES | {"topic", "happened"} for e in entities):
                # "it's on reddit.com/r/...": where it is, told with a link and nothing else
                # the classifier could take as a fact.
                _set_intent(message, STORY_INTENT)
            elif intent in WEAK_INTENTS:
                resolved = self.resolve(message.get(ENTITIES) or [])
                if resolved:
                    _set_intent(message, resolved)
        return messages

    @staticmethod
    def resolve(entities: List[Dict[str, Any]]) -> Optional[str]:
        """The intent a misread message's entities show: a topic, a story, or facts."""
        found = {e.get("entity") for e in entities}
        topics = {e.get("value") for e in entities if e.get("entity") == "topic"}
        for topic, intent in TOPIC_INTENTS.items():
            if topic in topics:
                return intent
        if "feeling" in found and not topics and "happened" not in found:
            return FEELING_INTENT  # "I don't know what to do": met as a feeling
        if "happened" in found:
            return STORY_INTENT
        if "safe_now" in found:
            return SAFE_INTENT
        if found & FACT_ENTITIES:
            return FACTS_INTENT
        return None

    @staticmethod
    def _as_button(message: Message, intent: str, entities: Dict[str, Any]) -> None:
        text = message.get(TEXT) or ""
        _set_intent(message, intent)
        message.set(ENTITIES, [
            {"entity": name, "value": value, "start": 0, "end": len(text),
             "confidence_entity": 1.0, "extractor": NAME}
            for name, value in entities.items()], add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Rasa's hook: nothing to learn; the training data passes unchanged."""
        return training_data


def _set_intent(message: Message, intent: str) -> None:
    chosen = {"name": intent, "confidence": 1.0}
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != intent]
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [chosen] + ranking, add_to_output=True)
