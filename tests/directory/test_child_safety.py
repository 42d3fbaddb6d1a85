"""Nothing the directory can put in a child-safe reply suggests handling the image.

Saving or screenshotting a sexual image of someone under 18 is itself an offence, and
children's services say nobody should view or keep one. This renders every evidence step,
service, platform, law and police fact for every age, helper and country combination that
needs child-safe advice, and fails on any advice to screenshot, save, download, forward or
view an image. (Run against the November 2026 directory, it failed: an unknown age got
"take a screenshot of each post", and under-18s "when you took each screenshot".)
"""

from __future__ import annotations

import itertools

import pytest

from bot.directory import ADULT, UNDER_18, Person, load_directory
from bot.directory import describe as render
from bot.directory.child_safety import image_handling_advice
from bot.directory.records import COUNTRY_CODES, SERVICE_KINDS

AGES = [dict(), dict(age_group=UNDER_18), dict(age_group=ADULT), dict(age=9), dict(age=15),
        dict(age=17), dict(age=18), dict(age=40)]
IMAGE_AGES = [None, UNDER_18, ADULT]
HELPERS = [False, True]
COUNTRIES = [None, *COUNTRY_CODES]


def people():
    for age, in_image, helper, country in itertools.product(AGES, IMAGE_AGES, HELPERS,
                                                            COUNTRIES):
        yield Person(country=country, age_in_image=in_image, helper=helper, **age)


@pytest.fixture(scope="module")
def d():
    return load_directory()


def offending(texts):
    return {text: found for text in texts if text and (found := image_handling_advice(text))}


def reply_texts(d, person):
    """Everything the directory can show this person: evidence, services, law, police."""
    place = d.jurisdiction(person.country)
    texts = [render.evidence_text(d.evidence_for(person))]
    texts += [render.service_text(s) for s in d.find(SERVICE_KINDS, person)]
    texts += [render.service_text(d.service(sid)) for sid in place.crisis_services]
    texts += [render.law_text(law) for law in d.laws_for(person.country)]
    texts += [render.no_law_text(place), render.silent_call_text(place), *place.police_notes]
    texts += [render.platform_text(p) for p in d.platforms]
    return texts


def test_every_child_safe_combination_is_rendered():
    combos = [p for p in people() if p.needs_child_safe_advice]
    # Every age with a helper, every unknown or under-18 image age, in every place.
    assert len(combos) > len(COUNTRY_CODES) * len(AGES) * 2


def test_no_child_safe_reply_advises_handling_the_image(d):
    for person in people():
        if person.needs_child_safe_advice:
            assert offending(reply_texts(d, person)) == {}, person


def test_child_safe_is_what_the_issue_says(d):
    """Unknown or under-18 age in the image, or a helper: child-safe. Only an adult asking
    for themselves about an image not known to show a child gets the adult steps."""
    assert Person().needs_child_safe_advice
    assert Person(age_group=ADULT, helper=True).needs_child_safe_advice
    assert Person(age_group=ADULT, age_in_image=UNDER_18).needs_child_safe_advice
    assert Person(age=16, age_in_image=ADULT).needs_child_safe_advice  # cannot be: stay safe
    assert not Person(age_group=ADULT).needs_child_safe_advice
    assert not Person(age_in_image=ADULT).needs_child_safe_advice


def test_adult_steps_are_the_only_ones_that_handle_the_image(d):
    handling = {s.id for s in d.evidence if image_handling_advice(s.text)}
    assert handling == {"capture_url"}
    assert {s.id for s in d.evidence if s.audience == "adults"} >= handling
    # The adult step itself says it is only for images of adults.
    assert "If anyone in the image was, or may have been, under 18, do not" in (
        d.evidence_step("capture_url").text)


def test_every_service_platform_law_and_police_fact_is_child_safe(d):
    texts = [render.service_text(s) for s in d.services]
    texts += [render.platform_text(p) for p in d.platforms]
    texts += [render.law_text(law) for law in d.laws]
    texts += [note for j in d.jurisdictions for note in j.police_notes]
    texts += [render.silent_call_text(j) for j in d.jurisdictions]
    assert offending(texts) == {}


@pytest.mark.parametrize("text, found", [
    ("Take a screenshot of each post.", ["screenshot"]),
    ("Save the image and forward it to us.", ["Save", "forward"]),
    ("Download the video before it is removed.", ["Download"]),
    ("Note the time you took each screenshot.", ["screenshot"]),
    ("Block them once you have captured the evidence.", ["captured"]),
    ("Send the photos to the helpline.", ["Send the photos"]),
    ("Keep a copy of the image somewhere safe.", ["Keep a copy"]),
    ("Do not delete messages, and take a screenshot of them.", ["screenshot"]),
    ("Look at the image to check it is you.", ["Look at"]),
])
def test_advice_to_handle_an_image_is_found(text, found):
    assert image_handling_advice(text) == found


@pytest.mark.parametrize("text", [
    "Do not screenshot, save or share the images.",
    "Never save, screenshot or share an image of someone under 18: use Report Remove.",
    "Nobody else should ask for the image, look at it or keep a copy.",
    "It works on the device: nobody needs to download it, send it or look at it.",
    "Copy the full web address (URL) of each post, and note the date and the username.",
    "StopNCII makes a digital fingerprint of the image on your own device.",
    "Do not send the images to anyone, including helplines.",
])
def test_prohibitions_and_link_only_steps_pass(text):
    assert image_handling_advice(text) == []
