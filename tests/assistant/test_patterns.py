"""The phrase language behind the safety and triage matchers."""

import pytest

from bot.assistant import patterns, spacy_pipeline


@pytest.fixture(scope="module")
def nlp():
    return spacy_pipeline.load()


def _labels(nlp, phrase, text, attr="LEMMA"):
    matcher = patterns.build_matcher(nlp, [("hit", phrase)], attr=attr)
    return [label for label, _ in patterns.matches(matcher, nlp(spacy_pipeline.normalise(text)))]


@pytest.mark.parametrize("text", ["i kill myself", "i hurt myself", "i kill", "i hurt"])
def test_alternatives_and_optional_words(nlp, text):
    assert _labels(nlp, "i kill|hurt myself?", text) == ["hit"]


@pytest.mark.parametrize("text,hit", [("on behalf of my sister", True), ("for my sister", True),
                                      ("behalf my sister", False)])
def test_brackets_hold_multi_word_alternatives(nlp, text, hit):
    assert bool(_labels(nlp, "(on behalf of|for) my sister", text)) is hit


@pytest.mark.parametrize("text", ["i do not want", "i want"])
def test_optional_bracket_group(nlp, text):
    assert _labels(nlp, "i (do not)? want", text) == ["hit"]


def test_single_word_alternatives_share_one_token(nlp):
    compiled = patterns.compile_phrase(nlp, "take|took|swallow all|loads pill|tablet")
    assert len(compiled) == 1
    assert compiled[0][0] == {"LEMMA": {"IN": ["swallow", "take"]}}


@pytest.mark.parametrize("bad", ["", "* *", "(unclosed", "a ()"])
def test_malformed_patterns_are_rejected(nlp, bad):
    with pytest.raises(patterns.PatternError):
        patterns.compile_phrase(nlp, bad)


def test_explosive_patterns_are_rejected(nlp):
    phrase = " ".join(["(a b|c d|e f|g h)"] * 5)  # 1024 multi-word combinations
    with pytest.raises(patterns.PatternError):
        patterns.compile_phrase(nlp, phrase)


def test_lemma_matching_covers_inflections(nlp):
    matcher = patterns.build_matcher(nlp, [("crisis", "want to die")])
    doc = nlp(spacy_pipeline.normalise("I wanted to die"))
    assert [label for label, _ in patterns.matches(matcher, doc)] == ["crisis"]


def test_exact_words_do_not_match_their_lemma(nlp):
    matcher = patterns.build_matcher(nlp, [("crisis", "=kms")])
    assert patterns.matches(matcher, nlp("kms"))
    assert not patterns.matches(matcher, nlp("5 km away"))


def test_wildcard_matches_one_word_or_none(nlp):
    matcher = patterns.build_matcher(nlp, [("x", "he * outside")])
    assert patterns.matches(matcher, nlp("he is outside"))
    assert patterns.matches(matcher, nlp("he outside"))
    assert not patterns.matches(matcher, nlp("he is standing outside"))


def test_lower_matching_keeps_names_exact(nlp):
    matcher = patterns.build_matcher(nlp, [("country:US", "(the states)")], attr="LOWER")
    assert patterns.matches(matcher, nlp("i live in the states"))
    assert not patterns.matches(matcher, nlp("the state of things"))


def test_longest_match_wins_unless_all_requested(nlp):
    matcher = patterns.build_matcher(
        nlp, [("IE", "ireland"), ("GB-NIR", "(northern ireland)")], attr="LOWER")
    doc = nlp("i live in northern ireland")
    assert [label for label, _ in patterns.matches(matcher, doc)] == ["GB-NIR"]
    assert sorted(label for label, _ in patterns.matches(matcher, doc, longest_only=False)) == [
        "GB-NIR", "IE"]


def test_normalise_straightens_apostrophes():
    assert spacy_pipeline.normalise("I\u2019M Here") == "i'm here"
