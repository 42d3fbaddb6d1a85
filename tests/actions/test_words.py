"""Every journey rendered for every age, helper and country combination.

- A child-safe plan (the age in the images unknown or under 18, or someone helping) never
  suggests screenshotting, saving, downloading, forwarding or viewing an image (a
  sentence that names one of these must be a prohibition: "never screenshot..."), and
  never delays removal for the police.
- Every number and link in a reply is in the directory.
- A reply is at most three messages, the buttons on the last.
"""

from __future__ import annotations

import itertools
import re

import pytest

from actions.answer.words import Say, render, service_line
from actions.caseplan import TOPICS, Facts, plan
from bot.directory import cached_directory
from bot.directory.describe import in_force_text
from bot.registry import registry

D = cached_directory()
R = registry()

IMAGE_HANDLING = re.compile(
    r"\b(screenshot\w*|screen shot\w*|screen-shot\w*|save|saving|saved|download\w*|"
    r"forward\w*|keep a copy|keep copies|send (?:it|them|the image\w*) (?:on|to)|"
    r"view (?:it|them|the image\w*|the picture\w*|the photo\w*|the video\w*)|"
    r"look at (?:it|them|the image\w*))\b", re.IGNORECASE)
PROHIBITION = re.compile(r"\b(don't|do not|never|nobody|no one|not|without|instead of)\b",
                         re.IGNORECASE)
POLICE_FIRST = re.compile(r"(?<!wait for the )police before", re.IGNORECASE)
NUMBER = re.compile(r"(?<![\w/.-])\+?\d[\d -]{1,14}\d(?![\w/-])|(?<![\w/])\d{3}(?![\w/])")
URL = re.compile(r"https://\S+")


def sentences(text: str):
    return [s for s in re.split(r"(?<=[.!?:])\s+|\n", text) if s.strip()]


def unsafe_advice(text: str):
    """Sentences that mention handling an image without prohibiting it."""
    found = []
    for sentence in sentences(text):
        match = IMAGE_HANDLING.search(sentence)
        if match and not PROHIBITION.search(sentence[:match.start()]):
            found.append(sentence)
    return found


def directory_text() -> str:
    parts = [j.emergency for j in D.jurisdictions]
    parts += [j.police_non_emergency or "" for j in D.jurisdictions]
    for s in D.services:
        c = s.contact
        parts += [c.phone or "", c.text or "", c.web or "", c.chat or "", c.email or ""]
    for p in D.platforms:
        parts += [link.url for link in p.links] + [p.email or ""]
    for law in D.laws:
        parts += [law.summary, in_force_text(law)]
        if law.takedown:
            parts.append(str(law.takedown.hours))
    parts += [s.text for s in D.evidence] + [s.hours or "" for s in D.services]
    parts += [n for j in D.jurisdictions for n in j.police_notes]
    parts += [s.note or "" for s in D.services] + [step for p in D.platforms for step in p.steps]
    return "\n".join(parts)


SOURCE = directory_text()
HAPPENED = [frozenset(), frozenset({"made", "shared"}), frozenset({"threatened", "demand"})]
COMBINATIONS = list(itertools.product(
    TOPICS, [None, 14, 30], [None, "under_18", "adult"], [False, True],
    [None, "GB-ENG", "GB-SCT", "GB-NIR", "GB", "IE", "US", "AU", "CA", "OTHER"],
    HAPPENED, [False, True]))


@pytest.mark.parametrize("topic,age,image_age,helper,country,happened,detail", COMBINATIONS)
def test_every_reply(topic, age, image_age, helper, country, happened, detail):
    facts = Facts(age=age, image_age_group=image_age, helper=helper, country=country,
                  happened=happened, platforms=("meta", "google"))
    case = plan(facts, D, topic, needs=("age_group", "platform", "image_age_group"),
                limit=None if detail else 3)
    reply = render(Say(D, facts, case, R, detail=detail), leave_out=topic)
    text = "\n".join(reply.messages)
    assert 1 <= len(reply.messages) <= 3
    # Rasa's channels split a message at a blank line: that would be more bubbles.
    assert all("\n\n" not in m for m in reply.messages)
    if facts.child_safe:
        assert unsafe_advice(text) == [], text
        assert not POLICE_FIRST.search(text), text  # removal never waits for the police
    for number in NUMBER.findall(text):
        assert number.strip() in SOURCE, number
    for url in URL.findall(text):
        assert url.rstrip(".,)") in SOURCE, url
    assert reply.buttons


def test_the_check_finds_unsafe_advice():
    assert unsafe_advice("Take a screenshot of each post with the URL showing.")
    assert unsafe_advice("Save the images somewhere safe.")
    assert not unsafe_advice("Never screenshot, save or send on the images.")
    assert not unsafe_advice("Do not forward the images to anyone.")


def test_adults_with_adult_images_may_be_told_to_screenshot():
    facts = Facts(age=30, image_age_group="adult", country="GB-ENG")
    case = plan(facts, D, "evidence")
    text = "\n".join(render(Say(D, facts, case, R)).messages)
    assert "screenshot" in text.lower() and unsafe_advice(text)


def test_an_unverified_number_comes_after_the_web_address_and_is_marked():
    ccri = D.service("ccri_helpline")
    line = service_line(ccri)
    if ccri.provenance.is_unverified("phone"):
        assert line.index(ccri.contact.web) < line.index(ccri.contact.phone)
        assert "not yet confirmed" in line


def test_a_question_is_asked_with_its_answers_as_buttons():
    facts = Facts(happened=frozenset({"shared"}))
    case = plan(facts, D, "story", needs=("age_group",))
    reply = render(Say(D, facts, case, R))
    assert reply.messages[-1] == R.questions["age_group"].text
    assert [b["title"] for b in reply.buttons] == ["Under 18", "18 or over", "Rather not say"]
