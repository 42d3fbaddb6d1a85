"""The triage entity extractor: what people volunteer about themselves, found by rules.

Platforms and countries come from the service directory's aliases, other phrases from
data/patterns/triage.yml, and ages from a few regular expressions. Rules rather than a
trained extractor because the values must be exact ids the directory understands, and
because "I'm 15" must never be missed. Entities: platform, country, age, age_group,
role, perpetrator, group, contact_method.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.assistant import patterns, spacy_pipeline
from bot.directory import load_directory

# Aliases this short ("x", "ig", "fb") are only names after a preposition: "on x".
SHORT_ALIAS = 2
PREPOSITIONS = "on|from|at|in|via|to|off|onto"

_UNITS = (r"(?:min|mins|minute|minutes|hour|hours|hrs|day|days|week|weeks|month|months|"
          r"mile|miles|km|pm|am|%|percent|times|pics|photos|pictures|images|videos|messages|"
          r"people|followers|quid|pounds|dollars|euros|k)\b")
_NUMBER_WORDS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
}
_AGE_VALUE = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
_AGE_PATTERNS = (
    # "i'm 15", "she is 14", "my son's 13", "aged 16", "age: 17"
    re.compile(r"\b(?:i'?m|i am|im|she'?s|he'?s|they'?re|she is|he is|they are|is|was|"
               r"aged?:?|age is)\s+(?:only\s+|just\s+|nearly\s+|almost\s+)?" + _AGE_VALUE
               + r"\b(?!\s*(?:-|\.)?\s*" + _UNITS + r")(?!\s*(?:\d|:))"),
    # "15 years old", "15yo", "15 y/o", "a 15 year old"
    re.compile(r"\b" + _AGE_VALUE + r"\s*(?:-\s*)?(?:years?|yrs?|yr)[\s-]*old\b"),
    re.compile(r"\b(\d{1,2})\s*(?:yo|y/o|y\.o\.)\b"),
    # the whole message is an age, as an answer to "how old are you?"
    re.compile(r"^\s*" + _AGE_VALUE + r"\s*[.!]?\s*$"),
)
MIN_AGE, MAX_AGE = 5, 99


def find_age(text: str) -> Optional[Tuple[int, int, int]]:
    """(age, start, end) of the first plausible age in lower-case text, or None."""
    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(text):
            raw = match.group(1)
            age = _NUMBER_WORDS.get(raw) if not raw.isdigit() else int(raw)
            if age is not None and MIN_AGE <= age <= MAX_AGE:
                return age, match.start(1), match.end(1)
    return None


def _entity(name: str, value: Any, start: int, end: int) -> Dict[str, Any]:
    return {"entity": name, "value": value, "start": start, "end": end,
            "confidence_entity": 1.0}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class TriageEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts triage facts with spaCy matchers built from the directory and patterns."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "patterns": "data/patterns/triage.yml",
            "directory": "data/directory",
            "spacy_pipeline": spacy_pipeline.DEFAULT_PIPELINE,
        }

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        self._name = name
        self.nlp = spacy_pipeline.load(config["spacy_pipeline"])
        data = yaml.safe_load(
            spacy_pipeline.resolve(config["patterns"]).read_text(encoding="utf-8"))
        directory = load_directory(spacy_pipeline.resolve(config["directory"]))
        self.names = patterns.build_matcher(
            self.nlp, self._name_phrases(directory, data.get("places") or {}), attr="LOWER")
        self.phrases = patterns.build_matcher(self.nlp, self._phrases(data["phrases"]))

    @property
    def name(self) -> Text:
        return self._name

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TriageEntityExtractor":
        return cls(config, execution_context.node_name)

    @staticmethod
    def _name_phrases(directory: Any, places: Dict[str, List[str]]
                      ) -> Iterable[Tuple[str, str]]:
        for platform in directory.platforms:
            for alias in set(platform.aliases) | {platform.id}:
                if len(alias) <= SHORT_ALIAS:
                    yield f"platform_after_preposition:{platform.id}", f"{PREPOSITIONS} ({alias})"
                else:
                    yield f"platform:{platform.id}", f"({alias})"
        for jurisdiction in directory.jurisdictions:
            for alias in jurisdiction.aliases:
                yield f"country:{jurisdiction.id}", f"({alias})"
        for code, names in places.items():
            for place in names:
                yield f"country:{code}", f"({place})"

    @staticmethod
    def _phrases(spec: Dict[str, Dict[str, List[str]]]) -> Iterable[Tuple[str, str]]:
        for entity, values in spec.items():
            for value, phrases in values.items():
                for phrase in phrases:
                    yield f"{entity}:{value}", phrase

    def extract(self, text: str) -> List[Dict[str, Any]]:
        """Entities in a text, each once per value, in the order they appear."""
        lowered = spacy_pipeline.normalise(text)
        doc = spacy_pipeline.analyse(self.nlp, text)
        found: List[Dict[str, Any]] = []
        for matcher in (self.names, self.phrases):
            for label, span in patterns.matches(matcher, doc):
                entity, value = label.split(":", 1)
                if entity == "platform_after_preposition":
                    entity, span = "platform", span[1:]
                found.append(_entity(entity, value, span.start_char, span.end_char))
        age = find_age(lowered)
        if age:
            years, start, end = age
            found.append(_entity("age", years, start, end))
            found.append(_entity("age_group", "under_18" if years < 18 else "adult",
                                 start, end))
        unique: Dict[Tuple[str, Any], Dict[str, Any]] = {}
        for e in sorted(found, key=lambda e: e["start"]):
            unique.setdefault((e["entity"], e["value"]), e)
        return list(unique.values())

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            extracted = self.add_extractor_name(self.extract(text))
            message.set(ENTITIES, message.get(ENTITIES, []) + extracted,
                        add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
