"""Keeps explicit sexual terms out of an exported case log (data/caselog/redact.yml).

The export says what happened and what was done, never what an image shows: free text
the person typed is filtered before it reaches the document. A term matches as a whole
word in any case, with a plural, with digits or symbols for letters ("n4ked"), and a
phrase with spaces, hyphens or dots between its words; a word masked with asterisks
("n*des") is removed too. Matching runs on a copy with one character for each of the
original's, so the original keeps everything else exactly as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, List, Optional, Pattern

import yaml

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "caselog" / "redact.yml"
_TERM = re.compile(r"^[a-z]+(?:[ -][a-z]+)*$")
# Characters that stand for letters; each maps to one character, so positions hold.
_STAND_INS = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                            "@": "a", "$": "s", "!": "i"})
_MASKED = re.compile(r"(?<![\w*])[^\W\d_]+\*+[^\W\d_]*(?![\w*])")


class RedactionListError(ValueError):
    """The word list does not match its schema; `problems` lists every fault."""

    def __init__(self, problems: List[str]) -> None:
        super().__init__("redaction list is invalid: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Redactor:
    """Removes the listed terms from text."""

    pattern: Pattern[str]
    replacement: str

    def redact(self, text: str) -> str:
        """The text with every listed term, and every asterisk-masked word, replaced."""
        copy = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        copy = copy.translate(_STAND_INS)
        spans = [m.span() for m in self.pattern.finditer(copy)]
        spans += [m.span() for m in _MASKED.finditer(text)]
        for start, end in sorted(_merged(spans), reverse=True):
            text = text[:start] + self.replacement + text[end:]
        return text


def _merged(spans: List[tuple]) -> List[tuple]:
    merged: List[list] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [tuple(span) for span in merged]


def _phrase(term: str) -> str:
    return r"[\s.\-_]*".join(re.escape(word) for word in re.split(r"[ -]", term))


def parse_redaction_list(doc: Any) -> Redactor:
    """A redactor from the list's YAML document; raises RedactionListError for a bad one."""
    problems = []
    if not isinstance(doc, dict) or set(doc) != {"replacement", "terms"}:
        raise RedactionListError(["expected exactly 'replacement:' and 'terms:'"])
    replacement = doc["replacement"]
    if not isinstance(replacement, str) or not 1 <= len(replacement) <= 20:
        problems.append("replacement: expected text of 1 to 20 characters")
    terms = doc["terms"]
    if not isinstance(terms, list) or not terms:
        raise RedactionListError(problems + ["terms: expected a list with at least one term"])
    for i, term in enumerate(terms):
        if not isinstance(term, str) or not _TERM.match(term) or not 2 <= len(term) <= 40:
            problems.append(f"terms[{i}]: expected lower case words of 2 to 40 letters")
    duplicates = sorted({t for t in terms if isinstance(t, str) and terms.count(t) > 1})
    if duplicates:
        problems.append("terms: listed twice: " + ", ".join(duplicates))
    if problems:
        raise RedactionListError(problems)
    alternatives = "|".join(_phrase(t) for t in sorted(terms, key=len, reverse=True))
    return Redactor(re.compile(rf"(?<!\w)(?:{alternatives})(?:e?s)?(?!\w)"), replacement)


def load_redactor(path: Optional[Path] = None) -> Redactor:
    """Reads and checks the word list (default: data/caselog/redact.yml)."""
    text = Path(path or DEFAULT_PATH).read_text(encoding="utf-8")
    return parse_redaction_list(yaml.safe_load(text))


@lru_cache(maxsize=1)
def cached_redactor() -> Redactor:
    """The word list, read once per process."""
    return load_redactor()
