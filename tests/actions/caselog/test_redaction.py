"""The redaction list (data/caselog/redact.yml): its schema, what it removes, and what it
must leave alone (the words for the crime and for what was done about it)."""

from __future__ import annotations

import pytest
import yaml

from actions.caselog.redaction import (
    DEFAULT_PATH,
    RedactionListError,
    load_redactor,
    parse_redaction_list,
)


@pytest.fixture(scope="module")
def redactor():
    return load_redactor()


@pytest.mark.parametrize("said, kept", [
    ("someone posted nudes of me", "someone posted [removed] of me"),
    ("NAKED pictures", "[removed] pictures"),
    ("a n4ked photo", "a [removed] photo"),
    ("$exy pics", "[removed] pics"),
    ("fake n*des", "fake [removed]"),
    ("a sex-tape and a sex.video", "a [removed] and a [removed]"),
    ("sex   pics", "[removed]"),
    ("me topless, in lingerie", "me [removed], in [removed]"),
    ("my boobs and breasts", "my [removed] and [removed]"),
    ("semi-naked in the shower", "[removed] in the shower"),
    ("Nude.", "[removed]."),
    ("İstanbul nude beach", "İstanbul [removed] beach"),   # positions hold
])
def test_explicit_terms_are_removed(redactor, said, kept):
    assert redactor.redact(said) == kept


@pytest.mark.parametrize("said", [
    "he is blackmailing me (sextortion) with a deepfake",
    "intimate image abuse: a fake photo and a video of me",
    "threatened to share it unless I pay £500",
    "the police gave me a crime reference",
    "reported to Reddit, reference RDT-123, status: still up",
])
def test_the_crime_and_the_facts_stay(redactor, said):
    assert redactor.redact(said) == said


def test_words_that_contain_a_term_stay(redactor):
    for word in ("nudest", "dickson", "scrabble", "analysis", "cockpit", "braid",
                 "cumulative", "spermwhale", "documentary", "Essex", "sexton"):
        assert redactor.redact(word) == word
    # A whole word is removed even when it is a name: the export prefers losing a word
    # of free text to keeping an intimate description.
    assert redactor.redact("Dick Whittington Street") == "[removed] Whittington Street"


def test_the_real_list_is_valid_and_sorted_into_lower_case_terms():
    doc = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert parse_redaction_list(doc).replacement == "[removed]"
    assert len(doc["terms"]) == len(set(doc["terms"])) >= 50


@pytest.mark.parametrize("doc, problem", [
    (None, "exactly 'replacement:' and 'terms:'"),
    ({"terms": ["nude"]}, "exactly 'replacement:' and 'terms:'"),
    ({"replacement": "[x]", "terms": ["nude"], "extra": 1}, "exactly"),
    ({"replacement": "", "terms": ["nude"]}, "replacement: expected text"),
    ({"replacement": "[x]", "terms": []}, "at least one term"),
    ({"replacement": "[x]", "terms": ["Nude"]}, "terms[0]: expected lower case"),
    ({"replacement": "[x]", "terms": ["n*de"]}, "terms[0]: expected lower case"),
    ({"replacement": "[x]", "terms": ["x"]}, "terms[0]"),
    ({"replacement": "[x]", "terms": ["nude", "nude"]}, "listed twice: nude"),
])
def test_a_bad_list_is_refused_with_every_problem(doc, problem):
    with pytest.raises(RedactionListError) as error:
        parse_redaction_list(doc)
    assert problem in str(error.value)
