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
from spacy.tokens import Span
from spacy.util import filter_spans

from bot.assistant import patterns, spacy_pipeline
from bot.directory import load_directory

# Aliases this short ("x", "ig", "fb") are only names after a preposition: "on x".
SHORT_ALIAS = 2
PREPOSITIONS = "on|from|at|in|via|to|off|onto"
# ...or before a word that only a platform has: "a fake ig account".
PLATFORM_NOUNS = "account|accounts|page|profile|story|stories|post|posts|dm|dms|reel|reels"

_UNITS = (r"(?:min|mins|minute|minutes|hour|hours|hrs|day|days|week|weeks|month|months|"
          r"mile|miles|km|pm|am|%|percent|times|pics|photos|pictures|images|videos|messages|"
          r"people|followers|quid|pounds|dollars|euros|k)\b")
_NUMBER_WORDS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
}
_AGE_VALUE = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
_NOT_A_QUANTITY = r"\b(?!\s*(?:-|\.)?\s*" + _UNITS + r")(?!\s*(?:\d|:))"
_HEDGE = r"(?:only\s+|just\s+|nearly\s+|almost\s+|about\s+)?"
_FIRST_PERSON = r"(?:i'?m|i am|im)"
_OTHERS_NOW = r"(?:she'?s|he'?s|they'?re|she is|he is|they are|is|aged?:?|age is)"
# Ages now: "i'm 15", "she is 14", "my son's 13", "aged 16", "15 years old", "15yo", or a
# message that is only an age (the answer to "how old are you?").
_NOW_FIRST_PERSON = re.compile(r"\b" + _FIRST_PERSON + r"\s+" + _HEDGE + _AGE_VALUE
                               + _NOT_A_QUANTITY)
_NOW_OTHERS = (
    re.compile(r"\b" + _OTHERS_NOW + r"\s+" + _HEDGE + _AGE_VALUE + _NOT_A_QUANTITY),
    re.compile(r"\b" + _AGE_VALUE + r"\s*(?:-\s*)?(?:years?|yrs?|yr)[\s-]*old\b"),
    re.compile(r"\b(\d{1,2})\s*(?:yo|y/o|y\.o\.)\b"),
    re.compile(r"^\s*" + _AGE_VALUE + r"\s*[.!]?\s*$"),
    # "17 from derry", "19, cardiff": a message that starts with an age
    re.compile(r"^\s*(\d{1,2})\s*(?:,\s*|\s+)(?:from|in|and|living|live|f|m|female|male|"
               r"yrs?|years)\b"),
    # "my daughter 16", "our son, 14", "a 15 year old pupil"
    re.compile(r"\b(?:my|our|her|his)\s+(?:daughter|son|child|kid|niece|nephew|sister|"
               r"brother|grandson|granddaughter|pupil|student|stepdaughter|stepson)"
               r"\s*,?\s*(?:is\s+|who'?s\s+|who\s+is\s+|aged?\s+)?" + _AGE_VALUE
               + _NOT_A_QUANTITY),
)
# Ages in the past, which is the age in the images: "when i was 15", "she was 14 in them",
# "taken at 15". Someone else's past age counts only when it is under 18 ("he was 25" may
# be the man who did it), so a misreading can only make the advice safer for a child.
_THEN_FIRST_PERSON = re.compile(r"\b(?:i|we)\s+(?:was|were)\s+(?:both\s+|all\s+)?" + _HEDGE
                                + _AGE_VALUE
                                + r"(?:\s*(?:years?|yrs?)[\s-]*old)?" + _NOT_A_QUANTITY)
_THEN_OTHERS = (
    re.compile(r"\b(?:she|he|they|who|(?:my|our|her|his)\s+\w+)\s+(?:was|were)\s+"
               r"(?:both\s+|all\s+)?" + _HEDGE + _AGE_VALUE
               + r"(?:\s*(?:years?|yrs?)[\s-]*old)?" + _NOT_A_QUANTITY),
    re.compile(r"\b(?:taken|made|sent|from)\s+(?:at|when)\s+(?:the\s+age\s+of\s+)?"
               + _AGE_VALUE + _NOT_A_QUANTITY),
)
MIN_AGE, MAX_AGE = 5, 99
# "entry 3", "number 2", "#4": an entry of the person's case log.
_ENTRY_NUMBER = re.compile(r"(?:\b(?:entry|item|number|no\.?)\s*#?\s*|#)(\d{1,3})\b")
# An amount of money ("R5000", "$500", "200 quid") in a story is a demand.
_MONEY = re.compile(
    r"(?:[£$€₹₦]|\b(?:r|rs\.?|inr|kes|ksh|php|zar|aud|cad|usd|gbp|eur|n)\s?)\d[\d,.]*k?\b"
    r"|\b\d[\d,.]*k?\s?(?:quid|pounds?|dollars?|euros?|rand|naira|rupees?|pesos?|"
    r"shillings?|bucks)\b")
# Entities whose values are not alternatives: a story is often several of these at once.
MULTI_VALUED = {"happened", "possible_country"}
ADULT_AGE = 18


def _ages(patterns, text: str, taken: List[Tuple[int, int]]) -> List[Tuple[int, int, int]]:
    found = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            raw = match.group(1)
            age = _NUMBER_WORDS.get(raw) if not raw.isdigit() else int(raw)
            span = (match.start(1), match.end(1))
            if age is None or not MIN_AGE <= age <= MAX_AGE:
                continue
            if any(start < span[1] and span[0] < end for start, end in taken):
                continue
            taken.append(span)
            found.append((age, span[0], span[1]))
    return found


def find_ages(text: str) -> Tuple[Optional[Tuple[int, int, int]], Optional[Tuple[int, int, int]]]:
    """(age now, age in the images), each (age, start, end) or None, in lower-case text.

    Past tense is the age in the images. Of several ages now, the person's own ("i'm 15")
    wins; otherwise the youngest, so that a misreading errs towards a child's routes."""
    taken: List[Tuple[int, int]] = []
    then_own = _ages((_THEN_FIRST_PERSON,), text, taken)
    then_others = [a for a in _ages(_THEN_OTHERS, text, taken) if a[0] < ADULT_AGE]
    now_own = _ages((_NOW_FIRST_PERSON,), text, taken)
    now_others = _ages(_NOW_OTHERS, text, taken)
    now = now_own[0] if now_own else (min(now_others) if now_others else None)
    then = min(then_own + then_others) if then_own or then_others else None
    return now, then


def find_age(text: str) -> Optional[Tuple[int, int, int]]:
    """(age, start, end) of the person's age now in lower-case text, or None."""
    return find_ages(text)[0]


def _longest_per_entity(found: List[Tuple[str, Span]]) -> List[Tuple[str, Span]]:
    """The longest match where two of one entity overlap ("take it down do" is a service,
    not a takedown), while different entities may share words ("unless I pay" is both a
    threat and a demand)."""
    by_entity: Dict[str, List[Span]] = {}
    for label, span in found:
        entity = label.split(":", 1)[0].replace("_after_preposition", "").replace(
            "_before_noun", "")
        by_entity.setdefault(label if entity in MULTI_VALUED else entity, []).append(span)
    kept = [span for spans in by_entity.values() for span in filter_spans(spans)]
    return [(span.label_, span) for span in sorted(kept, key=lambda s: s.start)]


def _group(years: int) -> str:
    return "under_18" if years < ADULT_AGE else "adult"


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
        """Rasa's hook: the triage patterns, the directory and the spaCy pipeline."""
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
            self.nlp, self._name_phrases(directory, data.get("places") or {},
                                         data.get("ambiguous_places") or {}), attr="LOWER")
        self.phrases = patterns.build_matcher(self.nlp, self._phrases(data["phrases"]))

    @property
    def name(self) -> Text:
        """Rasa's hook: the graph node's name, the extractor named on each entity found."""
        return self._name

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TriageEntityExtractor":
        """Rasa's hook: builds the extractor from its config."""
        return cls(config, execution_context.node_name)

    @staticmethod
    def _name_phrases(directory: Any, places: Dict[str, List[str]],
                      ambiguous: Dict[str, List[str]]) -> Iterable[Tuple[str, str]]:
        for platform in directory.platforms:
            for alias in set(platform.aliases) | {platform.id}:
                if len(alias) <= SHORT_ALIAS:
                    yield f"platform_after_preposition:{platform.id}", f"{PREPOSITIONS} ({alias})"
                    yield f"platform_before_noun:{platform.id}", f"({alias}) {PLATFORM_NOUNS}"
                else:
                    yield f"platform:{platform.id}", f"({alias})"
        for jurisdiction in directory.jurisdictions:
            for alias in jurisdiction.aliases:
                yield f"country:{jurisdiction.id}", f"({alias})"
        for code, names in places.items():
            for place in names:
                yield f"country:{code}", f"({place})"
        # A place of two countries is a possible country of each ("possible_country").
        for place, codes in ambiguous.items():
            yield f"possible_country:{'|'.join(codes)}", f"({place})"

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
            for label, span in _longest_per_entity(patterns.matches(matcher, doc,
                                                                    longest_only=False)):
                entity, value = label.split(":", 1)
                if entity == "platform_after_preposition":
                    entity, span = "platform", span[1:]
                elif entity == "platform_before_noun":
                    entity, span = "platform", span[:1]
                for one in value.split("|") if entity == "possible_country" else [value]:
                    found.append(_entity(entity, one, span.start_char, span.end_char))
        for match in _ENTRY_NUMBER.finditer(lowered):
            found.append(_entity("log_entry", int(match.group(1)), match.start(1),
                                 match.end(1)))
        for match in _MONEY.finditer(lowered):
            found.append(_entity("happened", "demand", match.start(), match.end()))
        now, then = find_ages(lowered)
        if now:
            years, start, end = now
            found.append(_entity("age", years, start, end))
            found.append(_entity("age_group", _group(years), start, end))
        if then:
            years, start, end = then
            found.append(_entity("image_age_group", _group(years), start, end))
        unique: Dict[Tuple[str, Any], Dict[str, Any]] = {}
        for e in sorted(found, key=lambda e: e["start"]):
            unique.setdefault((e["entity"], e["value"]), e)
        return list(unique.values())

    def process(self, messages: List[Message]) -> List[Message]:
        """Rasa's hook: adds the triage entities found in each message."""
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            extracted = self.add_extractor_name(self.extract(text))
            message.set(ENTITIES, message.get(ENTITIES, []) + extracted,
                        add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Rasa's hook: nothing to learn; the training data passes unchanged."""
        return training_data
