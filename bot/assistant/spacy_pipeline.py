"""Loads the project's local spaCy pipeline (tokenizer + lookup lemmatizer) once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PIPELINE = "models/spacy-en"


def resolve(path: str) -> Path:
    """A relative path is taken from the working directory, else from the project root."""
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    return PROJECT_ROOT / candidate


@lru_cache(maxsize=2)
def load(path: str = DEFAULT_PIPELINE) -> Language:
    """The spaCy pipeline at `path`, loaded once and shared by every component."""
    return spacy.load(resolve(path))


def normalise(text: str) -> str:
    """Lower case with straight apostrophes: how patterns are written and matched."""
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


# The lookup lemmatizer leaves contractions as it found them ("'re", "wo" of "won't",
# "ca" of "can't") and "'s" as "have". One lemma per meaning lets a pattern say "be" or
# "will" once and match every way people type it.
CONTRACTION_LEMMAS = {
    "'m": "be", "m": "be", "'re": "be", "re": "be", "'s": "be", "s": "be",
    "wo": "will", "'ll": "will", "ll": "will", "ca": "can",
    "'d": "would", "d": "would", "'ve": "have", "ve": "have",
}


def analyse(nlp: Language, text: str) -> Doc:
    """Tokens and lemmas of normalised text, contractions resolved."""
    doc = nlp(normalise(text))
    for token in doc:
        lemma = CONTRACTION_LEMMAS.get(token.lower_)
        if lemma:
            token.lemma_ = lemma
    return doc
