"""What each journey says: chosen from the directory, never invented, right for the person."""

import itertools
import re

import pytest

from actions.journeys import BUILDERS, JourneyContext
from bot.directory import Person, cached_directory
from bot.directory.render import UNVERIFIED

COUNTRIES = ["GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR", "GB", "IE", "US", "AU", "CA", "OTHER", None]
AGES = ["under_18", "adult", None]
NUMBER = re.compile(r"(?<![\w/.-])\+?\d[\d ]{1,14}\d(?![\w/-])|(?<![\w/])\d{3}(?![\w/])")
URL = re.compile(r"https://\S+")


def directory_text():
    d = cached_directory()
    parts = []
    for s in d.services:
        parts += [s.contact.phone or "", s.contact.text or "", s.contact.web or "",
                  s.contact.chat or "", s.contact.email or "", s.note or "", s.summary]
    for j in d.jurisdictions:
        parts += [j.emergency, j.police_non_emergency or "", *j.police_notes]
    for p in d.platforms:
        parts += [link.url for link in p.links] + list(p.steps)
    parts += [law.summary + law.title for law in d.laws] + [e.text for e in d.evidence]
    return "\n".join(parts)


def ctx(country=None, age_group=None, **kwargs):
    return JourneyContext(directory=cached_directory(),
                          person=Person(country=country, age_group=age_group), **kwargs)


def all_text(reply):
    return "\n".join(reply.messages)


@pytest.mark.parametrize("journey,country,age", list(itertools.product(BUILDERS, COUNTRIES, AGES)))
def test_every_number_and_link_comes_from_the_directory(journey, country, age):
    reply = BUILDERS[journey](ctx(country, age, platforms=("meta", "x")))
    text = all_text(reply)
    source = directory_text()
    assert reply.messages, "a journey always says something"
    for number in NUMBER.findall(text):
        assert number.strip() in source, f"{number!r} in {journey} is not in the directory"
    for url in URL.findall(text):
        assert url.rstrip(".,)") in source, f"{url} in {journey} is not in the directory"
    ids = {s.id for s in cached_directory().services}
    assert set(reply.services) <= ids


def test_under_18s_get_childrens_routes_not_adult_ones():
    text = all_text(BUILDERS["hashing"](ctx("GB-ENG", "under_18")))
    assert "Take It Down" in text and "Report Remove" in text
    assert "StopNCII.org:" not in text
    support = BUILDERS["support"](ctx("GB-SCT", "under_18"))
    assert "childline" in support.services and "revenge_porn_helpline" not in support.services


def test_adults_get_stopncii_and_are_told_about_images_from_childhood():
    reply = BUILDERS["hashing"](ctx("GB-ENG", "adult"))
    text = all_text(reply)
    assert "stopncii" in reply.services and "take_it_down" in reply.services
    assert "under 18 when it was taken" in text
    assert "Facebook" in text or "Meta" in text  # partner platforms from the directory


def test_evidence_for_under_18s_never_says_screenshot_the_images():
    text = all_text(BUILDERS["evidence"](ctx("GB-ENG", "under_18")))
    assert "Do not screenshot, save or share the images" in text
    assert "take a screenshot of each post" not in text


def test_evidence_uses_the_local_emergency_number():
    assert "call 000" in all_text(BUILDERS["evidence"](ctx("AU", "adult")))
    assert "call 999" in all_text(BUILDERS["evidence"](ctx("GB-SCT", "adult")))


def test_unverified_emergency_numbers_are_marked():
    text = all_text(BUILDERS["police"](ctx("OTHER", "adult")))
    assert UNVERIFIED in text and "local emergency number" in text


def test_takedown_gives_each_named_platforms_route():
    reply = BUILDERS["takedown"](ctx("GB-ENG", "adult", platforms=("meta", "tiktok")))
    assert reply.platforms == ["meta", "tiktok"]
    assert "facebook.com/safety/notwithoutmyconsent" in all_text(reply)


def test_takedown_without_a_platform_gives_general_advice_and_search_removal():
    reply = BUILDERS["takedown"](ctx("GB-ENG", "adult"))
    assert reply.platforms == ["google"]
    assert "report option" in all_text(reply)


def test_support_adds_domestic_abuse_services_for_a_partner_or_ex():
    plain = BUILDERS["support"](ctx("GB-ENG", "adult", perpetrator="stranger"))
    ex = BUILDERS["support"](ctx("GB-ENG", "adult", perpetrator="ex_partner"))
    assert "national_da_helpline" not in plain.services
    assert "national_da_helpline" in ex.services


def test_services_only_for_men_are_offered_to_those_who_said_so():
    men = BUILDERS["support"](ctx("GB-ENG", "adult", perpetrator="ex_partner", groups=("men",)))
    other = BUILDERS["support"](ctx("GB-ENG", "adult", perpetrator="ex_partner"))
    assert "mens_advice_line" in men.services
    assert "mens_advice_line" not in other.services


def test_parents_helping_a_child_get_the_parents_line():
    reply = BUILDERS["support"](ctx("GB-ENG", "under_18", helper=True))
    assert "nspcc_helpline" in reply.services


def test_law_is_information_not_advice_and_local():
    text = all_text(BUILDERS["law"](ctx("GB-SCT", "adult")))
    assert "Scotland" in text and "not legal advice" in text
    assert "England and Wales" not in text
    assert "Coco" in all_text(BUILDERS["law"](ctx("IE", "adult")))


def test_helpers_are_spoken_to_about_the_person_they_help():
    text = all_text(BUILDERS["sextortion"](ctx("GB-ENG", "under_18", helper=True)))
    assert "not their fault" in text


async def test_a_story_told_with_an_age_is_answered_as_a_story(tracker_factory, dispatcher):
    from actions.journey import ActionNoteVolunteered
    tracker = tracker_factory(text="im 16, my ex posted fakes of me", intent="inform_age")
    tracker.latest_message["intent_ranking"] = [
        {"name": "inform_age", "confidence": 0.6}, {"name": "report_shared", "confidence": 0.3}]
    events = await ActionNoteVolunteered().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_situation_ack",
                                                            "utter_next_steps"]
    assert events == [{"event": "slot", "timestamp": None, "name": "situation",
                       "value": "shared"}]


async def test_volunteered_facts_are_thanked_only_when_understood(tracker_factory, dispatcher):
    from actions.journey import ActionNoteVolunteered
    understood = tracker_factory(text="i'm in wales", intent="inform_country")
    understood.latest_message["entities"] = [{"entity": "country", "value": "GB-WLS"}]
    await ActionNoteVolunteered().run(dispatcher, understood, {})
    garbage = tracker_factory(text="<b>", intent="inform_country")
    await ActionNoteVolunteered().run(dispatcher, garbage, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_noted", "utter_menu",
                                                            "utter_default"]


def test_more_support_services_include_sexual_violence_support():
    short = BUILDERS["support"](ctx("GB-ENG", "adult"))
    assert {"title": "More services", "payload": '/ask_support{"support_scope": "more"}'} \
        in short.buttons
    wider = BUILDERS["support"](ctx("GB-ENG", "adult", more=True))
    assert "rape_crisis_ew" in wider.services
    assert not set(wider.services) & set(short.services)  # only what was not shown
