"""The safety matcher: crisis and danger language flagged by spaCy patterns, not by DIET.

It runs after the intent classifier and the fallback classifier. On a match it records
the flags on the message (`safety`) and makes the intent `crisis_self_harm` or
`immediate_danger` with confidence 1.0, whatever the classifier thought, so the
SafetyPolicy answers that very message with crisis lines or emergency numbers. The
classifier's own ranking is kept below the override.

It also hears negation. A crisis or danger phrase that lies inside a negated phrase ("I'm
not suicidal", "I'm not going to hurt myself") does not count; and when a message says
only that ("I'm not in danger, he lives abroad"), a classifier's crisis or danger intent
gives way to its next guess, so the person's actual request is answered. Negations are
narrow on purpose: "I'm not sure I want to be here any more" is still a crisis, and any
crisis phrase outside a negation still flags the message. The matched text is never logged.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Dict, List, Text, Tuple

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.tokens import Span

from bot.assistant import patterns, spacy_pipeline

logger = logging.getLogger(__name__)

CRISIS = "crisis"
DANGER = "danger"
FLAG_INTENTS = {DANGER: "immediate_danger", CRISIS: "crisis_self_harm"}
# "not_crisis": phrases that negate crisis language; "not_danger" likewise.
NEGATION = "not_"
PATTERN_KEYS = set(FLAG_INTENTS) | {NEGATION + flag for flag in FLAG_INTENTS}
# Danger comes first: when someone's life is at risk right now, 999 leads the reply.
PRECEDENCE = (DANGER, CRISIS)
SAFETY_INTENTS = set(FLAG_INTENTS.values())
FALLBACK_INTENT = "nlu_fallback"
# The FallbackClassifier's threshold in config.yml: a next guess below it is no guess.
FALLBACK_THRESHOLD = 0.4
SAFETY_KEY = "safety"
# An email address or a phone number, alone.
CONTACT_DETAIL = re.compile(r"^(?:[^@\s]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|\+?[\d\s().-]{7,20})$")


def _within(span: Span, negation: Span) -> bool:
    return negation.start <= span.start and span.end <= negation.end


def load_patterns(path: Path) -> Dict[str, List[str]]:
    """Reads and checks the pattern file: flag (or "not_" + flag) to a list of phrases."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if (not isinstance(data, dict) or not set(FLAG_INTENTS) <= set(data)
            or not set(data) <= PATTERN_KEYS):
        raise ValueError(f"{path}: expected the keys {sorted(FLAG_INTENTS)}, and optionally "
                         f"{sorted(PATTERN_KEYS - set(FLAG_INTENTS))}")
    for flag, phrases in data.items():
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise ValueError(f"{path}: '{flag}' must be a list of phrases")
    return data


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class SafetyMatcher(GraphComponent):
    """Flags crisis and danger language independently of intent confidence."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Rasa's hook: the safety patterns and the spaCy pipeline to match them with."""
        return {
            "patterns": "data/patterns/safety.yml",
            "spacy_pipeline": spacy_pipeline.DEFAULT_PIPELINE,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.nlp = spacy_pipeline.load(config["spacy_pipeline"])
        phrases = load_patterns(spacy_pipeline.resolve(config["patterns"]))
        self.matcher = patterns.build_matcher(
            self.nlp, ((flag, p) for flag, items in phrases.items() for p in items)
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyMatcher":
        """Rasa's hook: builds the matcher from its config."""
        return cls(config)

    def assess(self, text: str) -> Tuple[List[str], List[str]]:
        """(flags, negated): the safety flags a text raises, most urgent first, and the
        flags it explicitly negates without raising them."""
        doc = spacy_pipeline.analyse(self.nlp, text)
        found = patterns.matches(self.matcher, doc, longest_only=False)
        negations = {flag: [span for label, span in found if label == NEGATION + flag]
                     for flag in FLAG_INTENTS}
        raised = {label for label, span in found if label in FLAG_INTENTS
                  and not any(_within(span, n) for n in negations[label])}
        flags = [flag for flag in PRECEDENCE if flag in raised]
        negated = [flag for flag in PRECEDENCE if negations[flag] and flag not in raised]
        return flags, negated

    def flags(self, text: str) -> List[str]:
        """The safety flags a text raises, most urgent first."""
        return self.assess(text)[0]

    def process(self, messages: List[Message]) -> List[Message]:
        """Rasa's hook: flags crisis and danger language on each message, setting its intent."""
        for message in messages:
            text = message.get(TEXT) or ""
            flags, negated = (self.assess(text) if text and not text.startswith("/")
                              else ([], []))
            message.set(SAFETY_KEY, {"flags": flags}, add_to_output=True)
            if flags:
                self._override_intent(message, FLAG_INTENTS[flags[0]])
                logger.info("safety matcher raised flags %s", flags)
            elif negated:
                self._demote_intents(message, {FLAG_INTENTS[f] for f in negated})
            elif CONTACT_DETAIL.match(text.strip()):
                # An email address or a phone number alone (the answer to the handoff
                # form's question) is never crisis or danger language, whatever DIET says.
                self._demote_intents(message, SAFETY_INTENTS)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Rasa's hook: nothing to learn; the training data passes unchanged."""
        return training_data

    @staticmethod
    def _demote_intents(message: Message, negated: set) -> None:
        """A negated crisis or danger intent gives way to the classifier's next guess."""
        intent = (message.get(INTENT) or {}).get("name")
        if intent not in negated:
            return
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                   if r.get("name") not in SAFETY_INTENTS]
        unsure = not ranking or ranking[0].get("confidence", 0) < FALLBACK_THRESHOLD
        # As the FallbackClassifier would have said, had it seen this ranking.
        chosen = {"name": FALLBACK_INTENT, "confidence": 1.0} if unsure else ranking[0]
        message.set(INTENT, chosen, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    @staticmethod
    def _override_intent(message: Message, intent_name: str) -> None:
        override = {"name": intent_name, "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                   if r.get("name") != intent_name]
        message.set(INTENT, override, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [override] + ranking, add_to_output=True)
