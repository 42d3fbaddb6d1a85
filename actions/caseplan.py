"""The case plan: what is known about the person in, the ordered steps for them out.

A pure function of the facts and the directory (no I/O, no wording), so a table test can
cover every combination that changes the advice (tests/actions/test_caseplan.py). Every
step names what to do and the directory entries it draws on (services, a platform,
evidence steps); `actions/answer/words.py` turns a plan into short messages.

Unknown facts get safe defaults:
- age unknown: advice that is safe for a child too, plus one line for under-18s;
- age in the images unknown, or someone helping: evidence advice that never involves
  saving, screenshotting, forwarding or viewing an image (links, dates, usernames, report
  references only), and removal never waits for the police;
- country unknown: the charity's home jurisdiction, said as an assumption the person can
  correct.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import FrozenSet, Iterable, List, Optional, Sequence, Tuple

from bot.contract import ELSEWHERE, UK_NATIONS, UNITED_KINGDOM
from bot.directory import ADULT, UNDER_18, Directory, Person

# What happened (entity "happened"): a story is often several at once.
MADE, SHARED, THREATENED, DEMAND = "made", "shared", "threatened", "demand"
HAPPENED = (MADE, SHARED, THREATENED, DEMAND)
PARTNER_ABUSE = ("ex_partner", "partner")
CHILDLINE_MAX_AGE = 19

# Topics: the first reply to a story, or a direct question on one journey.
STORY, EVIDENCE, TAKEDOWN, HASHING, POLICE, LAW, SUPPORT, CONTACT, ESCALATE, COST = (
    "story", "evidence", "takedown", "hashing", "police", "law", "support", "contact",
    "escalate", "cost")
TOPICS = (STORY, EVIDENCE, TAKEDOWN, HASHING, POLICE, LAW, SUPPORT, CONTACT, ESCALATE, COST)
FIRST_REPLY_STEPS = 3

# Step kinds: what to do. The wording module says each in words.
TRUSTED_ADULT = "trusted_adult"      # tell an adult you trust
CHILD_REMOVAL = "child_removal"      # Report Remove, Take It Down, NeedHelpNow...
CHILD_REPORT = "child_report"        # CEOP, the CyberTipline, Cybertip.ca
CHILDREN_LINE = "children_line"      # Childline, Kids Helpline
PARENTS = "parents"                  # help for the adult helping a child
HELPLINE = "helpline"                # adult intimate image abuse specialists
NATIONAL_REMOVAL = "national_removal"  # eSafety, Hotline.ie: national removal routes
HASH_ADULT = "hash_adult"            # StopNCII
HASH_CHILD_IMAGE = "hash_child_image"  # Take It Down for an adult now, a child in the image
PLATFORM = "platform"                # the named platform's report route
REPORT_ON_SITE = "report_on_site"    # platform unknown: report where it is
SEARCH_REMOVAL = "search_removal"    # ask search engines to hide it
KEEP_RECORD = "keep_record"          # evidence, child-safe or not
DO_NOT_PAY = "do_not_pay"            # threats and demands
POLICE_REPORT = "police"             # the local police
LAW_INFO = "law"                     # the law where the person lives
LEGAL_ADVICE = "legal_advice"
SUPPORT_SERVICES = "support"         # people to talk to
DOMESTIC_ABUSE = "domestic_abuse"    # a partner or ex did it
LOCAL_LAW_UNKNOWN = "local_law_unknown"  # anywhere the directory knows little about
REMOVAL_DEADLINE = "removal_deadline"  # a law's time limit for removal, and the escalation
ESCALATION = "escalation"            # where to go when a platform turned a report down
FREE_SERVICES = "free_services"      # what costs nothing, as the directory's sources say

# Evidence steps said elsewhere in a plan, not in the record-keeping list.
EVIDENCE_SAID_ELSEWHERE = ("safety_first", "do_not_engage", "hashing_on_device",
                           "hashing_helper")
HELPER_HASHING = "hashing_helper"
DO_NOT_ENGAGE = "do_not_engage"


@dataclass(frozen=True)
class Facts:
    """What the person has told us; anything may be unknown."""

    happened: FrozenSet[str] = frozenset()
    age: Optional[int] = None
    age_group: Optional[str] = None          # now: under_18 | adult
    image_age_group: Optional[str] = None    # in the images: under_18 | adult
    country: Optional[str] = None            # a bot.contract.JURISDICTIONS code
    platforms: Tuple[str, ...] = ()          # directory platform ids
    perpetrator: Optional[str] = None
    helper: bool = False                     # someone helping the person affected
    groups: Tuple[str, ...] = ()             # lgbt | men, if the person said so
    # A place name of several countries ("Perth"): the places it may be, while unsaid.
    possible_countries: Tuple[str, ...] = ()

    @property
    def minor_now(self) -> Optional[bool]:
        """Whether the person is under 18 now, from their age or age group; None when unknown."""
        if self.age is not None:
            return self.age < 18
        return {UNDER_18: True, ADULT: False}.get(self.age_group or "")

    @property
    def child_in_image(self) -> Optional[bool]:
        """True when anyone in the images was (or may be taken to be) under 18."""
        if self.image_age_group == UNDER_18 or self.minor_now:
            return True
        return False if self.image_age_group == ADULT else None

    @property
    def child_safe(self) -> bool:
        """Advice must never involve keeping or viewing the image: the age in it is not
        known to be 18 or over, or someone else is asking."""
        return self.helper or self.child_in_image is not False

    @property
    def child_routes(self) -> bool:
        """The children's routes are the person's routes."""
        return bool(self.child_in_image)

    @property
    def threatened(self) -> bool:
        """Someone threatened to share images or demanded something."""
        return bool(self.happened & {THREATENED, DEMAND})

    @property
    def shared(self) -> bool:
        """Posted or sent round; a named platform counts unless it was only a threat."""
        return SHARED in self.happened or (bool(self.platforms) and not self.threatened)

    def person(self, country: str) -> Person:
        """The directory's view of the person, for eligibility."""
        return Person(country=country, age=self.age, age_group=self.age_group)


@dataclass(frozen=True)
class Step:
    """One thing to do, with the directory entries it draws on."""

    kind: str
    services: Tuple[str, ...] = ()
    platforms: Tuple[str, ...] = ()
    evidence: Tuple[str, ...] = ()
    laws: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """The ordered steps for this person on this topic, and what was assumed."""

    topic: str
    steps: Tuple[Step, ...]
    country: str                              # the jurisdiction the advice is for
    country_assumed: bool                     # not said: the charity's home was used
    child_safe: bool
    child_routes: bool
    under_18_services: Tuple[str, ...] = ()   # age unknown: the line for under-18s
    question: Optional[str] = None            # the one fact worth asking next
    # Where a place name is ambiguous: the other places it may be, each with its first
    # route (eSafety for Perth, Australia, when Perth, Scotland was assumed).
    elsewhere: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    # A partner or ex did it: domestic abuse services, for a line of their own.
    domestic_abuse: Tuple[str, ...] = ()

    @property
    def services(self) -> List[str]:
        """Every service id the plan offers, in order, once."""
        seen: List[str] = []
        for sid in [s for step in self.steps for s in step.services] + list(
                self.under_18_services) + [s for _, ids in self.elsewhere for s in ids] + list(
                self.domestic_abuse):
            if sid not in seen:
                seen.append(sid)
        return seen


@dataclass(frozen=True)
class Asked:
    """What the conversation has already asked, and what the person chose not to say."""

    asked: FrozenSet[str] = frozenset()
    declined: FrozenSet[str] = frozenset()


def plan(facts: Facts, directory: Directory, topic: str = STORY,
         asked: Asked = Asked(), needs: Sequence[str] = (),
         limit: Optional[int] = FIRST_REPLY_STEPS) -> Plan:
    """The plan for `facts` on `topic`: at most `limit` steps (None for all of them) and
    at most one question, chosen from `needs` (the facts whose answer changes it)."""
    country = facts.country or _assumed_country(facts, directory)
    builder = _BUILDERS[topic]
    steps = _dedupe(builder(facts, directory, country))
    result = Plan(
        topic=topic, steps=tuple(steps[:limit] if limit else steps), country=country,
        country_assumed=facts.country is None, child_safe=facts.child_safe,
        child_routes=facts.child_routes,
        under_18_services=_under_18_line(facts, directory, country, topic),
        elsewhere=_elsewhere(facts, directory, country, topic),
        domestic_abuse=_ids(_for_groups(facts, directory.find(["domestic_abuse"],
                                                              facts.person(country))))
        if facts.perpetrator in PARTNER_ABUSE and topic in (STORY, SUPPORT) else ())
    if result.elsewhere:
        needs = ("country",) + tuple(needs)
    return replace(result, question=next_question(facts, result, asked, needs))


def _assumed_country(f: Facts, d: Directory) -> str:
    """The home jurisdiction, or the place an ambiguous name may be in it (Perth in
    Scotland for a charity in the UK)."""
    for code in f.possible_countries:
        if code == d.home or d.jurisdiction(code).id in _nations_of(d.home):
            return code
    return d.home


def _nations_of(code: str) -> Tuple[str, ...]:
    return UK_NATIONS if code == UNITED_KINGDOM else (code,)


def _elsewhere(f: Facts, d: Directory, country: str,
               topic: str) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    """For an ambiguous place: each other place it may be, with its own first route."""
    if f.country is not None:
        return ()
    found = []
    for code in f.possible_countries:
        if code == country or code == ELSEWHERE:
            continue
        steps = _dedupe(_BUILDERS[topic](replace(f, country=code), d, code))
        ids = next((s.services for s in steps if s.services), ())
        if ids:
            found.append((code, ids[:1]))
    return tuple(found)


# --- the topics ----------------------------------------------------------------------------

def _story(f: Facts, d: Directory, country: str) -> List[Step]:
    if f.child_routes:
        return _child_story(f, d, country)
    steps: List[Step] = []
    if f.threatened:
        steps.append(_do_not_pay(d))
        steps += _national_first(f, d, country)
        steps.append(_hash(f, d, country))
        steps += _specialists(f, d, country)
        if country == "IE":
            steps.append(Step(POLICE_REPORT))
        steps += _platforms(f, d)
        steps.append(_keep_record(f, d))
        return steps
    first = _national_first(f, d, country) + _specialists(f, d, country)
    # Where the person said it is, its report route comes straight after the first help.
    steps += first[:1] + _platforms(f, d) + first[1:]
    if f.shared:
        steps += _removal_deadlines(d, country)
    if country == "IE":
        steps.append(Step(POLICE_REPORT))
    steps.append(_hash(f, d, country))
    steps.append(_keep_record(f, d))
    if not f.platforms and f.shared:
        steps.append(Step(REPORT_ON_SITE))
    if _local_law_unknown(d, country):
        steps.insert(min(2, len(steps)), Step(POLICE_REPORT))
    return steps


def _child_story(f: Facts, d: Directory, country: str) -> List[Step]:
    """Removal must never wait, nobody keeps the image, and a trusted adult helps."""
    steps: List[Step] = []
    if f.threatened:
        steps.append(_do_not_pay(d))
    steps += _national_first(f, d, country)
    steps.append(_child_removal(f, d, country))
    steps += _platforms(f, d)
    if f.minor_now is False and not f.helper:
        # An adult now, a child in the images: what the images show is child sexual
        # abuse material, which the police can act on whoever shared it.
        steps.append(Step(POLICE_REPORT))
    elif f.helper:
        steps.append(_services(f, d, country, CHILD_REPORT, ("child_protection",)))
        steps.append(_services(f, d, country, PARENTS, ("parents",)))
    else:
        # A trusted adult, and a children's line where there is one.
        line = _services(f, d, country, CHILDREN_LINE, ("children_support",))
        steps.append(replace(line, kind=TRUSTED_ADULT) if line else Step(TRUSTED_ADULT))
    if f.minor_now:
        steps.append(_services(f, d, country, CHILD_REPORT, ("child_protection",)))
    steps.append(_keep_record(f, d))
    return steps


def _evidence(f: Facts, d: Directory, country: str) -> List[Step]:
    return [_keep_record(f, d)] + ([_do_not_pay(d)] if f.threatened else [])


def _takedown(f: Facts, d: Directory, country: str) -> List[Step]:
    # A national service that can order removal (eSafety) comes first where there is one.
    steps = _national_first(f, d, country)
    steps += _platforms(f, d) or [Step(REPORT_ON_SITE), Step(SEARCH_REMOVAL,
                                                                platforms=("google",))]
    steps += _removal_deadlines(d, country)
    if f.child_routes:
        steps.append(_child_removal(f, d, country))
    else:
        steps += _specialists(f, d, country)
        steps.append(_hash(f, d, country))
    return steps


def _hashing(f: Facts, d: Directory, country: str) -> List[Step]:
    if f.child_routes:
        return [_child_removal(f, d, country)]
    steps = [_hash(f, d, country)]
    if f.child_in_image is None:
        # Which service depends on the age in the images: both, with the rule said.
        steps.append(Step(HASH_CHILD_IMAGE, services=_ids(d.find(["hashing_minor"]))))
    return steps


def _police_topic(f: Facts, d: Directory, country: str) -> List[Step]:
    steps = [Step(POLICE_REPORT)]
    if f.child_routes or f.helper:
        steps.append(_services(f, d, country, CHILD_REPORT, ("child_protection",)))
    steps.append(_keep_record(f, d))
    return steps


def _law(f: Facts, d: Directory, country: str) -> List[Step]:
    laws = tuple(law.id for law in d.laws_for(country))
    steps = [Step(LAW_INFO, laws=laws) if laws else Step(LOCAL_LAW_UNKNOWN)]
    steps.append(_services(f, d, country, LEGAL_ADVICE, ("legal_advice",)))
    return steps


def _support(f: Facts, d: Directory, country: str) -> List[Step]:
    kinds: List[str] = []
    if f.child_routes and f.minor_now is not False:
        kinds += ["children_support", "minor_removal"]
        if f.helper:
            kinds.append("parents")
    else:
        kinds += ["iia_helpline", "removal_reporting"]
    if f.perpetrator in PARTNER_ABUSE:
        kinds.append("domestic_abuse")
    if "lgbt" in f.groups:
        kinds.append("lgbt")
    if "men" in f.groups and f.perpetrator in PARTNER_ABUSE:
        kinds.append("men")
    kinds += ["crisis_line", "emotional_support",
              "young_people" if f.minor_now else "victim_support"]
    services: List = []
    for kind in kinds:
        services += [s for s in d.find([kind], f.person(country)) if s not in services]
    return [Step(SUPPORT_SERVICES, services=_ids(_for_groups(f, services)))]


def _for_groups(f: Facts, services: List) -> List:
    """A service only for men, or only for LGBT+ people, is for those who said so."""
    return [s for s in services if ("men" not in s.kinds or "men" in f.groups)
            and ("lgbt" not in s.kinds or "lgbt" in f.groups)]


def _contact(f: Facts, d: Directory, country: str) -> List[Step]:
    """Whether to reply, pay or block: don't engage, keep a record, get help."""
    steps = [_do_not_pay(d), _keep_record(f, d)]
    steps += _child_story(f, d, country) if f.child_routes else _specialists(f, d, country)
    return steps


def _escalate(f: Facts, d: Directory, country: str) -> List[Step]:
    """A platform turned the report down: who can take it further. A national service
    that can order removal first, then the specialists (who raise cases with platforms
    themselves), then the services for rejected reports where the person lives; the
    hash stops copies meanwhile. For a child in the images, the children's removal routes,
    which do not depend on the platform's rules."""
    if f.child_routes:
        return [_child_removal(f, d, country)] + _national_first(f, d, country) + [
            _services(f, d, country, CHILD_REPORT, ("child_protection",))]
    steps = _national_first(f, d, country) + _specialists(f, d, country)
    rejected = [s for s in d.find(["escalation"], f.person(country))
                if s.id not in _deadline_services(d, country)]
    if rejected:
        steps.append(Step(ESCALATION, services=_ids(rejected)))
    steps += _removal_deadlines(d, country)
    steps.append(_hash(f, d, country))
    return steps


def _cost(f: Facts, d: Directory, country: str) -> List[Step]:
    """"Do these cost anything?": the person's own kinds of help that the directory's
    sources say are free. Nothing is called free that no source says is."""
    kinds = (["minor_removal", "hashing_minor", "children_support", "crisis_line"]
             if f.child_routes else
             ["hashing_adult", "iia_helpline", "removal_reporting", "crisis_line",
              "emotional_support"])
    person = f.person(country) if not f.child_routes or f.minor_now else \
        Person(country=country, age=17)
    free = [s for s in d.find(kinds, person) if s.free]
    if f.child_routes and f.minor_now is False:  # an adult now: Take It Down, not the rest
        free = [s for s in free if "hashing_minor" in s.kinds]
    return [Step(FREE_SERVICES, services=_ids(free))]


def _deadline_services(d: Directory, country: str) -> Tuple[str, ...]:
    """Services only for a missed legal time limit (the FTC), said with that limit."""
    ids: List[str] = []
    for _, takedown in d.takedown_rules(country):
        ids += [sid for sid in takedown.escalation if "escalation" in d.service(sid).kinds]
    return tuple(ids)


_BUILDERS = {
    STORY: _story, CONTACT: _contact, EVIDENCE: _evidence, TAKEDOWN: _takedown,
    HASHING: _hashing, POLICE: _police_topic, LAW: _law, SUPPORT: _support,
    ESCALATE: _escalate, COST: _cost,
}


# --- steps ---------------------------------------------------------------------------------

def _do_not_pay(d: Directory) -> Step:
    return Step(DO_NOT_PAY, evidence=(DO_NOT_ENGAGE,) if _has(d, DO_NOT_ENGAGE) else ())


def _keep_record(f: Facts, d: Directory) -> Step:
    ids = tuple(s.id for s in d.evidence_for(child_safe=f.child_safe)
                if s.id not in EVIDENCE_SAID_ELSEWHERE)
    return Step(KEEP_RECORD, evidence=ids)


def _removal_deadlines(d: Directory, country: str) -> List[Step]:
    """A law's time limit for removal where the person lives (the US TAKE IT DOWN Act's
    48 hours), with where to turn when it is missed."""
    return [Step(REMOVAL_DEADLINE, laws=(rule.id,), services=tuple(takedown.escalation))
            for rule, takedown in d.takedown_rules(country)
            if rule in d.laws_for(country) and not rule.provenance.is_unverified("takedown")]


def _hash(f: Facts, d: Directory, country: str) -> Step:
    """StopNCII, unless the images show a child: then Take It Down."""
    if f.child_in_image:
        return Step(HASH_CHILD_IMAGE, services=_ids(d.find(["hashing_minor"])))
    return Step(HASH_ADULT, services=_ids(d.find(["hashing_adult"], f.person(country))))


def _child_removal(f: Facts, d: Directory, country: str) -> Step:
    person = f.person(country) if f.minor_now else Person(country=country, age=17)
    found = d.find(["minor_removal", "hashing_minor"], person)
    if not f.minor_now:  # an adult now: only what also takes images from childhood
        found = [s for s in found if "hashing_minor" in s.kinds]
    helping = (HELPER_HASHING,) if f.helper and _has(d, HELPER_HASHING) else ()
    return Step(CHILD_REMOVAL, services=_ids(found), evidence=helping)


def _specialists(f: Facts, d: Directory, country: str) -> List[Step]:
    found = d.find(["iia_helpline"], f.person(country))
    return [Step(HELPLINE, services=_ids(found))] if found else []


def _national_first(f: Facts, d: Directory, country: str) -> List[Step]:
    """A national service that can order or arrange removal (eSafety, Hotline.ie)."""
    found = d.find(["removal_reporting"], f.person(country))
    return [Step(NATIONAL_REMOVAL, services=_ids(found))] if found else []


def _platforms(f: Facts, d: Directory) -> List[Step]:
    """One step for every site named: report it on each."""
    known = tuple(p for p in f.platforms if d.platform(p))
    return [Step(PLATFORM, platforms=known)] if known else []


def _services(f: Facts, d: Directory, country: str, kind: str,
              kinds: Tuple[str, ...]) -> Optional[Step]:
    found = d.find(kinds, f.person(country))
    return Step(kind, services=_ids(found)) if found else None


def _under_18_line(f: Facts, d: Directory, country: str, topic: str) -> Tuple[str, ...]:
    """Age unknown: the children's routes, for one line ("if you're under 18...")."""
    if f.minor_now is not None or f.child_routes or topic in (LAW, POLICE):
        return ()
    child = Person(country=country, age=15)
    kinds = ["minor_removal", "children_support"] if topic in (STORY, TAKEDOWN, SUPPORT) else \
        ["minor_removal", "hashing_minor"]
    found = d.find(kinds, child) or d.find(["hashing_minor"], child)
    if topic == COST:  # the line follows "these are free": only what a source says is
        found = [s for s in found if s.free]
    return _ids(found)


def _local_law_unknown(d: Directory, country: str) -> bool:
    return country == ELSEWHERE or not d.laws_for(country)


# --- the one question ----------------------------------------------------------------------

def next_question(f: Facts, p: Plan, asked: Asked, needs: Sequence[str]) -> Optional[str]:
    """The first fact in `needs` that is unknown, not yet asked or declined, and whose
    answer would change this plan."""
    for fact in needs:
        if fact in asked.asked or fact in asked.declined:
            continue
        if _changes_plan(fact, f, p):
            return fact
    return None


def _changes_plan(fact: str, f: Facts, p: Plan) -> bool:
    if fact == "age_group":
        return f.minor_now is None and not f.child_routes
    if fact == "image_age_group":
        return f.minor_now is False and f.child_in_image is None and not f.helper
    if fact == "platform":
        return not f.platforms and (f.shared or f.threatened or p.topic == TAKEDOWN)
    if fact == "country":
        return f.country is None
    return False


# --- helpers -------------------------------------------------------------------------------

def _ids(services: Iterable) -> Tuple[str, ...]:
    return tuple(s.id for s in services)


def _has(d: Directory, evidence_id: str) -> bool:
    return any(s.id == evidence_id for s in d.evidence)


def _dedupe(steps: Iterable[Optional[Step]]) -> List[Step]:
    """Steps in order, without empty ones and without offering a service twice."""
    kept: List[Step] = []
    offered: set = set()
    for step in steps:
        if step is None:
            continue
        services = tuple(s for s in step.services if s not in offered)
        if step.services and not services:
            continue
        if step in kept or (step.kind in (POLICE_REPORT, REPORT_ON_SITE, TRUSTED_ADULT,
                                          DO_NOT_PAY)
                            and any(k.kind == step.kind for k in kept)):
            continue
        if step.kind == KEEP_RECORD and any(k.kind == KEEP_RECORD for k in kept):
            continue
        offered.update(services)
        kept.append(replace(step, services=services))
    return kept

