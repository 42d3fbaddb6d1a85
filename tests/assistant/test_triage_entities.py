"""What people volunteer is extracted as exact directory values."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.assistant.triage_entities import TriageEntityExtractor, find_age


@pytest.fixture(scope="module")
def extractor():
    return TriageEntityExtractor(TriageEntityExtractor.get_default_config(), "triage")


def values(extractor, text, entity):
    return [e["value"] for e in extractor.extract(text) if e["entity"] == entity]


@pytest.mark.parametrize("text,platform", [
    ("my ex put them on insta", "meta"),
    ("it's on facebook and twitter", "meta"),
    ("someone uploaded it to pornhub", "aylo"),
    ("they sent it round on snap", "snapchat"),
    ("there's a video on tik tok", "tiktok"),
    ("it is on x now", "x"),
    ("found it on google images", "google"),
])
def test_platforms_by_alias(extractor, text, platform):
    assert platform in values(extractor, text, "platform")


def test_short_aliases_need_a_preposition(extractor):
    assert values(extractor, "x marks the spot", "platform") == []
    assert values(extractor, "posted on ig", "platform") == ["meta"]


@pytest.mark.parametrize("text,code", [
    ("i live in scotland", "GB-SCT"),
    ("I'm in Northern Ireland", "GB-NIR"),
    ("we're in Ireland", "IE"),
    ("uk", "GB"),
    ("I'm in Texas", "US"),
    ("near Sydney", "AU"),
    ("Toronto", "CA"),
    ("i live in germany", "OTHER"),
    ("somewhere else", "OTHER"),
    ("belfast", "GB-NIR"),
])
def test_countries(extractor, text, code):
    assert values(extractor, text, "country") == [code]


@pytest.mark.parametrize("text", ["can you help us", "they sent it to all of us",
                                  "i speak english", "x marks the spot", "help me please"])
def test_ordinary_words_are_not_places_or_platforms(extractor, text):
    assert values(extractor, text, "country") == []
    assert values(extractor, text, "platform") == []


def test_new_south_wales_is_not_wales(extractor):
    assert values(extractor, "I'm in new south wales", "country") == ["AU"]


@pytest.mark.parametrize("text,age", [
    ("I'm 15", 15), ("im 16 and scared", 16), ("she is 14", 14), ("my son is only 13", 13),
    ("15 years old", 15), ("a 17yo girl", 17), ("19", 19), ("i'm fifteen", 15),
    ("I am 34", 34),
])
def test_ages(text, age):
    found = find_age(text.lower())
    assert found and found[0] == age


@pytest.mark.parametrize("text", [
    "he posted 15 pictures", "I'm 5 minutes away", "it was 20 minutes ago", "there is 1 post",
    "call me at 3", "i have 12 messages from him",
])
def test_numbers_that_are_not_ages(text):
    assert find_age(text.lower()) is None


def test_age_gives_age_group(extractor):
    assert values(extractor, "I'm 15", "age_group") == ["under_18"]
    assert values(extractor, "I'm 22", "age_group") == ["adult"]
    assert values(extractor, "im under 18", "age_group") == ["under_18"]
    assert values(extractor, "I'm in year 10", "age_group") == ["under_18"]
    assert values(extractor, "I'm an adult", "age_group") == ["adult"]
    assert values(extractor, "there's an adult site with it", "age_group") == []


@pytest.mark.parametrize("text,value", [
    ("it was my ex", "ex_partner"), ("my ex-boyfriend did it", "ex_partner"),
    ("my husband", "partner"), ("a guy from school", "known"),
    ("some random account", "stranger"), ("no idea who did it", "unknown"),
])
def test_perpetrators(extractor, text, value):
    assert values(extractor, text, "perpetrator") == [value]


@pytest.mark.parametrize("text,value", [
    ("I'm asking for my daughter", "helper"), ("i'm her mum", "helper"),
    ("I'm a teacher", "helper"), ("it's happening to me", "self"),
])
def test_roles(extractor, text, value):
    assert values(extractor, text, "role") == [value]


def test_groups(extractor):
    assert values(extractor, "I'm a man and my ex did this", "group") == ["men"]
    assert values(extractor, "i'm trans", "group") == ["lgbt"]


def test_process_appends_entities_with_the_extractor_name(extractor):
    message = Message(data={"text": "I'm 15 and it's on insta"})
    message.set("entities", [{"entity": "other", "value": "x", "start": 0, "end": 1}])
    [message] = extractor.process([message])
    names = {(e["entity"], e["value"]) for e in message.get("entities")}
    assert {("other", "x"), ("age", 15), ("age_group", "under_18"),
            ("platform", "meta")} <= names
    assert all(e.get("extractor") == "triage" for e in message.get("entities")[1:])


@pytest.mark.parametrize("text", ["", "/inform_age", "\x00\x01", "🙂" * 50, "<b>hi</b>",
                                  "x" * 10000])
def test_hostile_input_never_crashes(extractor, text):
    [message] = extractor.process([Message(data={"text": text})])
    assert isinstance(message.get("entities", []), list)


@pytest.mark.parametrize("text", [
    "i reported it to instagram and they said it doesnt go against their guidelines",
    "tiktok said it doesn't violate their community guidelines",
    "reddit refused to take it down", "they wont remove it", "my report got rejected",
    "x ignored my report", "i reported it and nothing happened",
    "it isnt against their rules apparently",
])
def test_a_turned_down_report_is_the_escalate_topic(extractor, text):
    assert "escalate" in values(extractor, text, "topic")


@pytest.mark.parametrize("text", [
    "how do i get it taken down", "i want it removed", "i dont want to report it",
    "the police wont do anything", "i refuse to pay",
])
def test_asking_for_removal_is_not_a_turned_down_report(extractor, text):
    assert "escalate" not in values(extractor, text, "topic")


@pytest.mark.parametrize("text", [
    "i cant breathe properly everything is spinning", "im having a panic attack",
    "my heart is racing so fast", "i'm shaking all over",
])
def test_signs_of_panic(extractor, text):
    assert values(extractor, text, "panic") == ["said"]


def test_take_it_down_the_service_and_take_it_down_the_wish(extractor):
    assert "hashing" in values(extractor, "can take it down help me", "topic")
    said = "some dropkick put my nudes on a site, can anyone make em take it down"
    assert values(extractor, said, "topic") == ["takedown"]
    assert values(extractor, said, "happened") == ["shared"]


@pytest.mark.parametrize("text,cost", [
    ("do these services cost anything", True), ("is stopncii free", True),
    ("how much does it cost", True), ("do i have to pay him", False), ("should i pay", False),
])
def test_asking_what_help_costs_is_not_a_demand_to_pay(extractor, text, cost):
    assert ("cost" in values(extractor, text, "topic")) is cost
