"""The safety matcher: crisis and danger language flagged by spaCy patterns, not by DIET.

It runs after the intent classifier and the fallback classifier. On a match it records
the flags on the message (`safety`) and makes the intent `crisis_self_harm` or
`immediate_danger` with confidence 1.0, whatever the classifier thought, so the
SafetyPolicy answers that very message with crisis lines or emergency numbers. The
classifier's own ranking is kept below the override. The matched text is never logged.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Text

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.assistant import patterns, spacy_pipeline

logger = logging.getLogger(__name__)

CRISIS = "crisis"
DANGER = "danger"
FLAG_INTENTS = {DANGER: "immediate_danger", CRISIS: "crisis_self_harm"}
# Danger comes first: when someone's life is at risk right now, 999 leads the reply.
PRECEDENCE = (DANGER, CRISIS)
SAFETY_KEY = "safety"


def load_patterns(path: Path) -> Dict[str, List[str]]:
    """Reads and checks the pattern file: a mapping of flag to a list of phrases."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != set(FLAG_INTENTS):
        raise ValueError(f"{path}: expected exactly the keys {sorted(FLAG_INTENTS)}")
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
        return cls(config)

    def flags(self, text: str) -> List[str]:
        """The safety flags a text raises, most urgent first."""
        doc = spacy_pipeline.analyse(self.nlp, text)
        found = {label for label, _ in patterns.matches(self.matcher, doc, longest_only=False)}
        return [flag for flag in PRECEDENCE if flag in found]

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            flags = self.flags(text) if text and not text.startswith("/") else []
            message.set(SAFETY_KEY, {"flags": flags}, add_to_output=True)
            if flags:
                self._override_intent(message, FLAG_INTENTS[flags[0]])
                logger.info("safety matcher raised flags %s", flags)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    @staticmethod
    def _override_intent(message: Message, intent_name: str) -> None:
        override = {"name": intent_name, "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                   if r.get("name") != intent_name]
        message.set(INTENT, override, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [override] + ranking, add_to_output=True)
