"""The safety matcher flags crisis and danger language whatever the classifier thinks."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.assistant.safety import SafetyMatcher, load_patterns
from bot.assistant.spacy_pipeline import resolve


@pytest.fixture(scope="module")
def matcher():
    return SafetyMatcher(SafetyMatcher.get_default_config())


CRISIS = [
    "I want to die",
    "i just wanna die",
    "i've been thinking about suicide",
    "feeling suicidal tonight",
    "im going to kill myself",
    "I'm going to end my life",
    "i dont want to live anymore",
    "I don't want to be alive",
    "there's no point in living",
    "everyone would be better off without me",
    "i'd be better off dead",
    "i've been cutting again",
    "I hurt myself last night",
    "i took a load of pills",
    "I've taken too many tablets",
    "kms",
    "thinking of ending it all",
    "i cant go on like this",
    "I can't do this anymore",
    "I want to unalive myself",
    "I wrote a goodbye note",
    "planning to jump off a bridge",
    "life's not worth living",
    "I\u2019m going to kill myself",  # curly apostrophe
]
DANGER = [
    "he's outside my house right now",
    "hes at my door",
    "my ex is on his way here",
    "he said he'll kill me",
    "he is going to hurt me",
    "he threatened to kill me",
    "I'm not safe",
    "i am in danger",
    "he's hitting me",
    "they're trying to break in",
    "he locked me in",
    "he won't let me leave",
    "someone is following me",
    "he has a knife",
]
BENIGN = [
    "someone posted fake nudes of me on instagram",
    "how do I get it taken down",
    "is it illegal to make deepfakes",
    "he posted it 5 km away from here",
    "they hurt my reputation",
    "can you help me please",
    "I'm 15 and live in Wales",
    "what should I keep as evidence",
    "my ex is threatening to share pictures",
    "this is killing my confidence at school",
]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_language_is_flagged(matcher, text):
    assert "crisis" in matcher.flags(text)


@pytest.mark.parametrize("text", DANGER)
def test_danger_language_is_flagged(matcher, text):
    assert "danger" in matcher.flags(text)


@pytest.mark.parametrize("text", BENIGN)
def test_ordinary_messages_are_not_flagged(matcher, text):
    assert matcher.flags(text) == []


NEGATED = [
    ("I'm not suicidal", "crisis"),
    ("I'm not going to hurt myself, I just need it removed", "crisis"),
    ("i would never kill myself, i just want them gone", "crisis"),
    ("im not thinking about suicide or anything", "crisis"),
    ("I'm not in danger, he lives abroad", "danger"),
    ("no immediate danger, he's in another country", "danger"),
    ("i was suicidal last year but im ok now", "crisis"),
    ("I'm safe right now", "danger"),
    ("i'm dying of embarrassment, my boss saw them", "crisis"),
]
STILL_CRISIS = [
    "I'm not sure I want to be here any more",
    "i'm not suicidal but i cant cope anymore",
    "not sure if i want to live",
    "i'm not in danger but i want to die",
    "i was suicidal last night",
    "im dying of shame and i want to die",
]


@pytest.mark.parametrize("text,flag", NEGATED)
def test_negated_language_is_not_flagged(matcher, text, flag):
    flags, negated = matcher.assess(text)
    assert flags == [] and flag in negated


def test_danger_outside_a_negation_still_flags(matcher):
    assert "danger" in matcher.flags("i'm safe right now but he's outside my house")


@pytest.mark.parametrize("text", STILL_CRISIS)
def test_doubt_and_crisis_outside_a_negation_still_flag(matcher, text):
    assert "crisis" in matcher.flags(text)


def test_a_negated_crisis_gives_way_to_the_classifiers_next_guess(matcher):
    message = Message(data={"text": "I'm not suicidal, I just want the pics taken down"})
    ranking = [{"name": "crisis_self_harm", "confidence": 0.45},
               {"name": "ask_takedown", "confidence": 0.42}]
    message.set("intent", ranking[0], add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    [message] = matcher.process([message])
    assert message.get("intent")["name"] == "ask_takedown"
    assert message.get("safety") == {"flags": []}
    assert all(r["name"] != "crisis_self_harm" for r in message.get("intent_ranking"))


@pytest.mark.parametrize("text", ["robin@example.org", "07700 900123", "+44 7700 900 123"])
def test_contact_details_alone_are_never_a_crisis(matcher, text):
    message = Message(data={"text": text})
    ranking = [{"name": "crisis_self_harm", "confidence": 0.5},
               {"name": "inform_contact_method", "confidence": 0.45}]
    message.set("intent", ranking[0], add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    [message] = matcher.process([message])
    assert message.get("intent")["name"] == "inform_contact_method"


def test_a_next_guess_below_the_fallback_threshold_is_the_fallback(matcher):
    message = Message(data={"text": "robin@example.org"})
    ranking = [{"name": "crisis_self_harm", "confidence": 0.8},
               {"name": "affirm", "confidence": 0.06}]
    message.set("intent", ranking[0], add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    [message] = matcher.process([message])
    assert message.get("intent")["name"] == "nlu_fallback"


def test_a_negation_does_not_touch_other_intents(matcher):
    [message] = matcher.process([_message("I'm not in danger, how do I report it",
                                          "ask_takedown")])
    assert message.get("intent")["name"] == "ask_takedown"


def test_danger_leads_when_both(matcher):
    assert matcher.flags("he's outside and I want to die") == ["danger", "crisis"]


def _message(text, intent="report_shared", confidence=0.97):
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}],
                add_to_output=True)
    return message


def test_a_flag_overrides_a_confident_intent(matcher):
    [message] = matcher.process([_message("my ex posted them and I want to die")])
    assert message.get("intent") == {"name": "crisis_self_harm", "confidence": 1.0}
    assert message.get("safety") == {"flags": ["crisis"]}
    ranking = message.get("intent_ranking")
    assert ranking[0]["name"] == "crisis_self_harm"
    assert {"name": "report_shared", "confidence": 0.97} in ranking  # kept for review


def test_danger_overrides_to_immediate_danger(matcher):
    [message] = matcher.process([_message("he is outside my house", "ask_police")])
    assert message.get("intent")["name"] == "immediate_danger"


def test_unflagged_messages_keep_their_intent(matcher):
    [message] = matcher.process([_message("how do I report it", "ask_takedown")])
    assert message.get("intent")["name"] == "ask_takedown"
    assert message.get("safety") == {"flags": []}
    assert "safety" in message.as_dict(only_output_properties=True)


def test_button_payloads_are_not_matched(matcher):
    [message] = matcher.process([_message('/inform_age{"age_group": "adult"}', "inform_age")])
    assert message.get("intent")["name"] == "inform_age"


@pytest.mark.parametrize("text", ["", " ", "\x00", "😢😢😢", "<script>alert(1)</script>",
                                  "a" * 10000])
def test_hostile_input_never_crashes(matcher, text):
    assert matcher.process([_message(text)])


def test_pattern_file_is_checked(tmp_path):
    bad = tmp_path / "p.yml"
    bad.write_text("crisis: [want to die]\n")
    with pytest.raises(ValueError):
        load_patterns(bad)
    unknown = tmp_path / "q.yml"
    unknown.write_text("crisis: [want to die]\ndanger: [he is outside]\nmaybe: [x]\n")
    with pytest.raises(ValueError):
        load_patterns(unknown)
    assert set(load_patterns(resolve("data/patterns/safety.yml"))) == {
        "crisis", "danger", "not_crisis", "not_danger"}


def _dev(name):
    import yaml
    from pathlib import Path
    return yaml.safe_load((Path(__file__).parent / name).read_text())


def test_first_development_set(matcher):
    """safety_dev.yml was written independently of the patterns, the training data and
    the held-out set, and the patterns were tuned on it: every crisis and danger phrase
    is caught. Two of its 200 ordinary messages are flagged, accepted: "my mum is going
    to kill me when she finds out" (an idiom, but not always) and a past threat to kill."""
    dev = _dev("safety_dev.yml")
    missed = {flag: [t for t in dev[flag] if flag not in matcher.flags(t)]
              for flag in ("crisis", "danger")}
    assert missed == {"crisis": [], "danger": []}
    assert len([t for t in dev["neither"] if matcher.flags(t)]) <= 2


# Left to the classifier on purpose: a bare goodbye, "end it" in a question (also said of
# relationships), "checking out", and "dye" (also hair dye).
ACCEPTED_MISSES = {"bye", "my mate keeps saying hes gonna end it, what do i do",
                   "i've had enough, i'm checking out", "i wnt to dye"}


def test_second_development_set(matcher):
    """safety_dev2.yml, written later by someone else for a second round of tuning. Three
    of 200 ordinary messages are flagged and accepted: an idiom ("my mum's going to kill
    me"), "should I call 999 or 101?" (the reply then leads with 999, which does no harm)
    and a threat to kill made years ago."""
    dev = _dev("safety_dev2.yml")
    crisis_missed = {t for t in dev["crisis"] if "crisis" not in matcher.flags(t)}
    assert crisis_missed <= ACCEPTED_MISSES
    assert [t for t in dev["danger"] if "danger" not in matcher.flags(t)] == []
    assert len([t for t in dev["neither"] if matcher.flags(t)]) <= 3
