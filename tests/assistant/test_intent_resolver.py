"""The intent resolver: typed button titles mean their buttons; topics, stories and facts
the classifier misread as small talk or did not understand are acted on; a crisis or
danger intent is never touched."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.assistant.intent_resolver import IntentResolver
from bot.registry import title_key


@pytest.fixture(scope="module")
def resolver():
    return IntentResolver(IntentResolver.get_default_config())


def message(text, intent, entities=()):
    m = Message(data={"text": text})
    m.set("intent", {"name": intent, "confidence": 0.45}, add_to_output=True)
    m.set("intent_ranking", [{"name": intent, "confidence": 0.45}], add_to_output=True)
    m.set("entities", [{"entity": e, "value": v} for e, v in entities], add_to_output=True)
    return m


def resolved(resolver, *args):
    [m] = resolver.process([message(*args)])
    return m.get("intent")["name"], {(e["entity"], e["value"]) for e in m.get("entities")}


@pytest.mark.parametrize("text,intent,entities", [
    ("Get images taken down", "ask_takedown", set()),
    ("get images taken down!!", "ask_takedown", set()),
    ("Under 18", "inform", {("age_group", "under_18")}),
    ("No, all 18 or over", "inform", {("image_age_group", "adult")}),
    ("rather not say", "unsure", set()),
    ("Someone is threatening me", "tell_story", {("happened", "threatened")}),
    ("Talk to a person", "request_human", set()),
    ("More services", "ask_support", {("detail", "more")}),
])
def test_a_typed_title_is_its_button(resolver, text, intent, entities):
    assert resolved(resolver, text, "ask_hashing") == (intent, entities)


@pytest.mark.parametrize("intent,entities,expected", [
    ("greet", [("topic", "police")], "ask_police"),
    ("nlu_fallback", [("topic", "evidence"), ("topic", "takedown")], "ask_evidence"),
    ("greet", [("happened", "shared")], "tell_story"),
    ("nlu_fallback", [("age", 19), ("country", "GB-WLS")], "inform"),
    ("affirm", [("platform", "snapchat")], "inform"),
    ("greet", [], "greet"),
    ("ask_law", [("topic", "police")], "ask_law"),        # a confident question stays
    ("deny", [("topic", "police")], "deny"),              # "no, not the police"
])
def test_misread_messages_with_content_are_acted_on(resolver, intent, entities, expected):
    assert resolved(resolver, "some words", intent, entities)[0] == expected


@pytest.mark.parametrize("intent", ["crisis_self_harm", "immediate_danger"])
def test_safety_intents_are_never_touched_by_topics(resolver, intent):
    assert resolved(resolver, "words", intent, [("topic", "police")])[0] == intent


def test_a_matcher_flag_keeps_safety_even_on_a_button_title(resolver):
    m = message("I'm not safe", "immediate_danger")
    m.set("safety", {"flags": ["danger"]}, add_to_output=True)
    [m] = resolver.process([m])
    assert m.get("intent")["name"] == "immediate_danger"


def test_a_classifier_guess_of_danger_on_a_button_title_is_the_button(resolver):
    m = message("Someone is threatening me", "immediate_danger")
    m.set("safety", {"flags": []}, add_to_output=True)
    [m] = resolver.process([m])
    assert m.get("intent")["name"] == "tell_story"


def test_title_keys_ignore_case_punctuation_and_apostrophes():
    assert title_key("I'm safe right now!") == title_key("im safe right now")


@pytest.mark.parametrize("text", ["sam@example.org", "07700 900123", "+44 7700 900 123"])
def test_an_email_or_phone_number_alone_is_contact_details(resolver, text):
    assert resolved(resolver, text, "tell_story")[0] == "inform_contact_method"


@pytest.mark.parametrize("intent", ["inform", "nlu_fallback", "greet"])
def test_a_bare_link_is_where_it_is(resolver, intent):
    assert resolved(resolver, "its on reddit.com/r/abc/777", intent)[0] == "tell_story"
    # a link with a fact is that fact, as before
    assert resolved(resolver, "im 19 see x.com/a/1", "inform", [("age", 19)])[0] == "inform"


@pytest.mark.parametrize("intent", ["nlu_fallback", "out_of_scope", "unsure"])
def test_not_knowing_what_to_do_is_a_feeling(resolver, intent):
    assert resolved(resolver, "i dont know what to do", intent, [("feeling", "lost")])[0] \
        == "feeling_distressed"
