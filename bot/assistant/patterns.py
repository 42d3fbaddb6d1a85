"""A small phrase language for the safety and triage matchers, compiled to spaCy Matchers.

Patterns are data (data/patterns/*.yml) that non-engineers can review:

    kill|hurt|harm myself       alternatives are separated by |
    want to die                 words are matched by lemma, so "wanted to die" matches too
    i be|feel * suicidal        * is any one word, or none
    end my life?                ? makes the word before it optional
    (on behalf of|here for) my  brackets hold alternatives of several words; (…)? is optional
    =kms                        = matches the exact word, not its lemma ("kms" alone,
                                since the lemmatizer turns it into "km")
    take <number> pills         <number> is any number ("20", "twenty")
    i be ending it $            $ ends the message: only punctuation or emoji may follow

Every pattern word is run through the same spaCy pipeline as the messages, so it matches
whatever the lemmatizer makes of it ("dying" and "die" both become the lemma "die").
Names such as platforms and places are matched on exact lower-case words instead
(attr="LOWER"), since lemmas would blur them ("the states" is not "the state").
"""

from __future__ import annotations

import itertools
import re
from typing import Any, Dict, Iterable, List, Sequence, Tuple

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from bot.assistant import spacy_pipeline

ANY = "*"
NUMBER = "<number>"
END = "$"
END_LABEL = "$end:"  # internal label prefix for phrases that must close the message
MAX_EXPANSIONS = 256  # patterns per phrase: a typo in the data cannot explode the matcher

TokenSpec = Dict[str, Any]


class PatternError(ValueError):
    """A phrase in the pattern data that is malformed or would match too much."""
    pass


_SLOT = re.compile(r"\(([^()]*)\)(\??)|(\S+)")


def _slots(phrase: str) -> List[List[List[str]]]:
    """Splits a phrase into slots; each slot is a list of alternatives (lists of words)."""
    slots: List[List[List[str]]] = []
    for group, group_optional, word in _SLOT.findall(phrase):
        if word:
            optional = word.endswith("?") and word != "?"
            word = word[:-1] if optional else word
            alternatives = [[w] for w in word.split("|") if w]
        else:
            optional = bool(group_optional)
            alternatives = [alt.split() for alt in group.split("|") if alt.split()]
        if not alternatives or "(" in word or ")" in word:
            raise PatternError(f"malformed pattern {phrase!r}")
        if optional or alternatives == [[ANY]]:
            alternatives.append([])
        slots.append(alternatives)
    return slots


def compile_phrase(nlp: Language, phrase: str, attr: str = "LEMMA") -> List[List[TokenSpec]]:
    """One phrase as spaCy token patterns. Single-word alternatives share one token
    ({"LEMMA": {"IN": [...]}}); only multi-word alternatives multiply the patterns."""
    slots = _slots(phrase)
    if not slots or all(alts == [[ANY], []] for alts in slots):
        raise PatternError(f"pattern {phrase!r} matches nothing specific")
    choices = [_choices(nlp, alternatives, attr) for alternatives in slots]
    combos = 1
    for options in choices:
        combos *= len(options)
    if combos > MAX_EXPANSIONS:
        raise PatternError(f"pattern {phrase!r} expands to {combos} patterns")
    compiled = [[spec for option in combo for spec in option]
                for combo in itertools.product(*choices)]
    return [pattern for pattern in compiled if any(pattern)]


def _choices(nlp: Language, alternatives: List[List[str]], attr: str) -> List[List[TokenSpec]]:
    single: Dict[str, set] = {}
    options: List[List[TokenSpec]] = []
    for words in alternatives:
        specs = _token_specs(nlp, words, attr)
        if len(specs) == 1 and len(specs[0]) == 1 and "LIKE_NUM" not in specs[0]:
            (key, value), = specs[0].items()
            single.setdefault(key, set()).add(value)
        else:
            options.append(specs)  # several tokens, a wildcard, a number, or nothing
    grouped = [[{key: {"IN": sorted(values)}}] for key, values in sorted(single.items())]
    return grouped + options


def _token_specs(nlp: Language, words: Sequence[str], attr: str) -> List[TokenSpec]:
    specs: List[TokenSpec] = []
    for word in words:
        if word == ANY:
            specs.append({})
            continue
        if word == NUMBER:
            specs.append({"LIKE_NUM": True})
            continue
        exact = word.startswith("=") and len(word) > 1
        for token in spacy_pipeline.analyse(nlp, word[1:] if exact else word):
            if exact or attr == "LOWER":
                specs.append({"LOWER": token.lower_})
            else:
                specs.append({"LEMMA": token.lemma_})
    return specs


def build_matcher(nlp: Language, labelled: Iterable[Tuple[str, str]],
                  attr: str = "LEMMA") -> Matcher:
    """A Matcher with one rule per (label, phrase); a label may have many phrases."""
    by_label: Dict[str, List[List[TokenSpec]]] = {}
    for label, phrase in labelled:
        phrase = phrase.strip()
        if phrase.endswith(END):
            phrase, label = phrase[:-1].rstrip(), END_LABEL + label
        by_label.setdefault(label, []).extend(compile_phrase(nlp, phrase, attr))
    matcher = Matcher(nlp.vocab, validate=True)
    for label, compiled in by_label.items():
        matcher.add(label, compiled)
    return matcher


def _closes_message(doc: Doc, end: int) -> bool:
    return all(not (token.is_alpha or token.like_num) for token in doc[end:])


def matches(matcher: Matcher, doc: Doc, longest_only: bool = True) -> List[Tuple[str, Span]]:
    """(label, span) for each match; by default the longest where matches overlap."""
    spans = []
    for label_id, start, end in matcher(doc):
        label = doc.vocab.strings[label_id]
        if label.startswith(END_LABEL):
            if not _closes_message(doc, end):
                continue
            label = label[len(END_LABEL):]
        spans.append(Span(doc, start, end, label=label))
    if longest_only:
        spans = filter_spans(spans)
    return [(span.label_, span) for span in spans]
