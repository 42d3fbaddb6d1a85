"""The case plan as a table: facts in, the steps that matter first out.

Each row is a combination that changes the advice; `expect` lists what the first reply's
steps must hold, in order, and `never` what they must not. Every service and platform a
plan names is checked to exist in the directory.
"""

from __future__ import annotations

import itertools

import pytest

from actions.caseplan import (
    CHILD_REMOVAL, COST, DO_NOT_PAY, ESCALATE, ESCALATION, HASH_ADULT, HASH_CHILD_IMAGE, HELPLINE,
    KEEP_RECORD, NATIONAL_REMOVAL, PLATFORM, POLICE_REPORT, REMOVAL_DEADLINE, STORY, TOPICS,
    TRUSTED_ADULT,
    Asked, Facts, plan)
from bot.directory import cached_directory

D = cached_directory()
SHARED = frozenset({"shared"})
MADE_SHARED = frozenset({"made", "shared"})
SEXTORTION = frozenset({"threatened", "demand"})


def first(facts: Facts, topic: str = STORY):
    return plan(facts, D, topic, needs=("age_group", "platform", "image_age_group"))


def kinds(p):
    return [s.kind for s in p.steps]


def services(p):
    return [sid for s in p.steps for sid in s.services]


# (facts, the step kinds that must come first, in order, services that must be offered,
#  services that must not)
TABLE = [
    # Adults in the UK: the Revenge Porn Helpline, StopNCII, the platform when known.
    (Facts(age=24, country="GB-ENG", happened=MADE_SHARED),
     [HELPLINE, HASH_ADULT], ["revenge_porn_helpline", "stopncii"], ["report_remove"]),
    (Facts(age=24, country="GB-WLS", platforms=("snapchat",)),
     [HELPLINE, PLATFORM, HASH_ADULT], ["revenge_porn_helpline", "stopncii"], []),
    (Facts(age=30, country="IE", platforms=("meta",), happened=SHARED),
     [NATIONAL_REMOVAL, PLATFORM], ["hotline_ie"], []),
    # Age unknown in the UK: adult steps, and the under-18 line (checked below).
    (Facts(happened=MADE_SHARED), [HELPLINE, HASH_ADULT], ["stopncii"], []),
    # Under 18 now: removal for children, a trusted adult with Childline; never StopNCII
    # or the adult helpline. A named platform comes before the adult.
    (Facts(age=13, happened=MADE_SHARED),
     [CHILD_REMOVAL, TRUSTED_ADULT], ["report_remove", "childline"],
     ["stopncii", "revenge_porn_helpline"]),
    (Facts(age_group="under_18", country="GB-SCT", happened=SHARED),
     [CHILD_REMOVAL, TRUSTED_ADULT], ["report_remove"], ["stopncii"]),
    (Facts(age=17, country="IN", platforms=("meta",), happened=SHARED),
     [CHILD_REMOVAL, PLATFORM, TRUSTED_ADULT], ["take_it_down"], ["stopncii"]),
    # An adult now who was under 18 in the images: Take It Down, not StopNCII or Report
    # Remove (which is for under-18s now).
    (Facts(age=22, image_age_group="under_18"),
     [CHILD_REMOVAL, POLICE_REPORT], ["take_it_down"], ["stopncii", "report_remove"]),
    # A parent helping a child: the child's routes and help for the parent.
    (Facts(age=14, helper=True, happened=SHARED),
     [CHILD_REMOVAL], ["report_remove", "ceop"], ["stopncii"]),
    # Threats and money: do not pay first, then blocking copies before anything spreads.
    (Facts(happened=SEXTORTION), [DO_NOT_PAY, HASH_ADULT, HELPLINE],
     ["stopncii", "revenge_porn_helpline"], []),
    (Facts(age=15, happened=SEXTORTION), [DO_NOT_PAY, CHILD_REMOVAL],
     ["report_remove"], ["stopncii"]),
    # Australia: eSafety first. Ireland: Hotline.ie. The US: CCRI. Canada and anywhere
    # else: StopNCII, which works worldwide.
    (Facts(country="AU", age=30, happened=SHARED), [NATIONAL_REMOVAL], ["esafety"], []),
    (Facts(country="IE", age=30, happened=SHARED), [NATIONAL_REMOVAL], ["hotline_ie"], []),
    (Facts(country="US", age=30, happened=SHARED), [HELPLINE], ["ccri_helpline"], []),
    (Facts(country="OTHER", age=30, happened=SHARED), [HASH_ADULT], ["stopncii"],
     ["revenge_porn_helpline"]),
    (Facts(country="AU", age=15, happened=SHARED), [NATIONAL_REMOVAL, CHILD_REMOVAL],
     ["esafety", "take_it_down"], ["stopncii"]),
]


@pytest.mark.parametrize("facts,leading,offered,never", TABLE)
def test_first_steps(facts, leading, offered, never):
    p = first(facts)
    assert kinds(p)[:len(leading)] == leading, kinds(p)
    assert set(offered) <= set(p.services), p.services
    assert not set(never) & set(p.services), p.services
    assert 1 <= len(p.steps) <= 3


def test_age_unknown_gets_one_line_for_under_18s_and_the_question():
    p = first(Facts(happened=SHARED))
    assert {"report_remove", "childline"} <= set(p.under_18_services)
    assert p.question == "age_group"


def test_country_unknown_is_the_home_jurisdiction_said_as_an_assumption():
    p = first(Facts(age=30, happened=SHARED))
    assert p.country == D.home and p.country_assumed
    assert not first(Facts(age=30, country="IE")).country_assumed


@pytest.mark.parametrize("facts,child_safe", [
    (Facts(), True),                                      # nothing known
    (Facts(age=30), True),                                # age in the images unknown
    (Facts(age=30, image_age_group="adult"), False),      # an adult, adult in the images
    (Facts(age=30, image_age_group="adult", helper=True), True),  # someone helping
    (Facts(age=16, image_age_group="adult"), True),       # a child now
    (Facts(age=30, image_age_group="under_18"), True),
])
def test_child_safe_unless_the_images_are_known_to_show_adults_only(facts, child_safe):
    assert facts.child_safe is child_safe
    record = next(s for s in first(facts, "evidence").steps if s.kind == KEEP_RECORD)
    audiences = {s.audience for s in D.evidence if s.id in record.evidence}
    assert ("adults" in audiences) is (not child_safe)
    assert ("under_18" in audiences) is child_safe


def test_one_question_at_a_time_never_again_and_never_after_rather_not_say():
    facts = Facts(happened=SHARED)
    assert first(facts).question == "age_group"
    asked = Asked(asked=frozenset({"age_group"}))
    assert plan(facts, D, STORY, asked, ("age_group", "platform")).question == "platform"
    declined = Asked(declined=frozenset({"age_group", "platform"}))
    assert plan(facts, D, STORY, declined, ("age_group", "platform")).question is None


def test_a_question_only_when_its_answer_changes_the_plan():
    assert first(Facts(age=15, platforms=("meta",), happened=SHARED)).question is None
    # Made, not shared or threatened: no platform to ask about.
    assert first(Facts(age=30, image_age_group="adult",
                       happened=frozenset({"made"}))).question is None


def test_a_demand_is_a_threat_and_a_named_platform_is_shared():
    assert Facts(happened=frozenset({"demand"})).threatened
    assert Facts(platforms=("reddit",)).shared
    assert not Facts(platforms=("reddit",), happened=frozenset({"threatened"})).shared


@pytest.mark.parametrize("topic,age,country,helper,happened", itertools.product(
    TOPICS, [None, 15, 30], [None, "GB-ENG", "GB-NIR", "IE", "US", "AU", "CA", "OTHER"],
    [False, True], [frozenset(), SHARED, SEXTORTION, frozenset({"made"})]))
def test_every_plan_draws_only_on_the_directory(topic, age, country, helper, happened):
    facts = Facts(age=age, country=country, helper=helper, happened=happened,
                  platforms=("meta",))
    p = plan(facts, D, topic, limit=None)
    ids = {s.id for s in D.services}
    assert p.steps, (topic, facts)
    assert set(p.services) <= ids
    for step in p.steps:
        assert all(D.platform(p) for p in step.platforms)
        assert set(step.evidence) <= {s.id for s in D.evidence}
        assert set(step.laws) <= {law.id for law in D.laws}
    if facts.child_routes:
        assert "stopncii" not in p.services, (topic, facts)
    if facts.minor_now is False and facts.child_in_image is None and topic == "hashing":
        assert {"stopncii", "take_it_down"} <= set(p.services)


# A report a platform turned down: who takes it further, where the person lives.
@pytest.mark.parametrize("facts,leading,offered,never", [
    # The UK: the helpline (which raises cases with platforms), then Report Harmful
    # Content for a rejected report; the hash meanwhile.
    (Facts(age=24, country="GB-ENG"), [HELPLINE, ESCALATION],
     ["revenge_porn_helpline", "report_harmful_content"], ["ftc"]),
    # Ireland: Hotline.ie, and the regulator for a platform that did not act.
    (Facts(age=30, country="IE"), [NATIONAL_REMOVAL], ["hotline_ie", "coimisiun_na_mean"],
     ["report_harmful_content"]),
    (Facts(age=30, country="AU"), [NATIONAL_REMOVAL], ["esafety"], ["ftc"]),
    # The US: the FTC only with the Act's 48 hours, never as a general complaints route.
    (Facts(age=30, country="US"), [HELPLINE], ["ccri_helpline"], ["report_harmful_content"]),
    # A child in the images: the children's removal routes, never StopNCII.
    (Facts(age=15, country="GB-ENG"), [CHILD_REMOVAL], ["report_remove"], ["stopncii"]),
    (Facts(age=22, image_age_group="under_18", country="US"), [CHILD_REMOVAL],
     ["take_it_down"], ["stopncii"]),
])
def test_a_turned_down_report_is_taken_further(facts, leading, offered, never):
    p = plan(facts, D, ESCALATE, limit=None)
    assert kinds(p)[:len(leading)] == leading, kinds(p)
    assert set(offered) <= set(p.services), p.services
    assert not set(never) & set(p.services), p.services


def test_the_ftc_is_said_with_the_48_hours_it_enforces():
    p = plan(Facts(age=30, country="US"), D, ESCALATE, limit=None)
    assert [s.kind for s in p.steps if "ftc" in s.services] == [REMOVAL_DEADLINE]


@pytest.mark.parametrize("facts,free,never", [
    (Facts(age=30, country="GB-ENG"), ["stopncii", "samaritans"], ["revenge_porn_helpline"]),
    (Facts(age=15, country="GB-ENG"), ["take_it_down"], ["stopncii"]),
    (Facts(age=22, image_age_group="under_18"), ["take_it_down"], ["stopncii", "samaritans"]),
    (Facts(age=30, country="NZ"), ["stopncii", "need_to_talk_1737"], []),
])
def test_only_what_a_source_says_is_free_is_called_free(facts, free, never):
    p = plan(facts, D, COST, limit=None)
    assert set(free) <= set(p.services), p.services
    assert not set(never) & set(p.services), p.services
    assert all(D.service(sid).free for sid in p.services)


def test_the_under_18_line_after_free_services_is_free_too():
    p = plan(Facts(), D, COST)
    assert p.under_18_services and all(D.service(s).free for s in p.under_18_services)
