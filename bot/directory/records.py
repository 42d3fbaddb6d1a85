"""The service directory's schema: typed records, validated when the YAML is loaded.

Every fact a victim is shown (a number, hours, a link, a point of law) carries where it
came from (`source`) and when it was checked (`verified`). Facts no source confirmed are
listed in `unverified`, and the renderer marks them. Validation is strict: an unknown key,
a bad URL or a date in the future is an error, because wrong information is a severe bug.

Child safety is a schema rule: no text that may reach a child (every service, platform,
law and police fact, and every evidence step not marked for adults) may advise
screenshotting, saving, downloading, forwarding or viewing an image (child_safety.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Tuple

from bot.contract import JURISDICTIONS as COUNTRY_CODES
from bot.contract import SITUATIONS as CONTRACT_SITUATIONS
from bot.contract import UK_NATIONS
from bot.directory.child_safety import image_handling_advice

# Eligibility may also say "*" (anywhere in the world).
ELIGIBLE_CODES = COUNTRY_CODES + ("*",)

SERVICE_KINDS = (
    "emergency",            # 999 / 112 / 911 / 000
    "police",               # non-emergency police routes
    "iia_helpline",         # intimate image abuse specialists
    "hashing_adult",        # StopNCII
    "hashing_minor",        # Take It Down
    "minor_removal",        # Report Remove, NeedHelpNow, Cybertip.ca
    "child_protection",     # CEOP, CyberTipline: reporting child sexual exploitation
    "children_support",     # Childline, Kids Helpline
    "parents",              # help for parents and carers
    "crisis_line",          # suicide and crisis lines
    "emotional_support",
    "domestic_abuse",
    "sexual_violence",
    "lgbt",
    "men",
    "young_people",
    "victim_support",
    "escalation",           # escalate a report a platform rejected
    "removal_reporting",    # national reporting/removal hotlines (Hotline.ie, eSafety)
    "legal_advice",
)

# What happened, as services state what they help with ("unknown" is no situation).
SITUATIONS = tuple(s for s in CONTRACT_SITUATIONS if s != "unknown")
# Who an evidence step is for. "adults" steps reach only an adult, asking for themselves,
# about an image taken when they were 18 or over; "under_18" steps are the child-safe
# versions, given whenever that is not known (an unknown age, a child, or a helper).
EVIDENCE_AUDIENCES = ("all", "adults", "under_18")
ADULTS_ONLY = "adults"

CONTACT_FIELDS = ("phone", "text", "web", "email", "chat")
SERVICE_FACTS = CONTACT_FIELDS + ("hours", "eligibility", "summary", "free")

_URL = re.compile(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/[^\s]*)?$")
# A source is a public page, or a section of the checked fact sheet kept beside the data
# (data/directory/factsheet.md) where that names no primary source.
FACTSHEET = "factsheet.md"
_FACTSHEET_REF = re.compile(r"^factsheet\.md#[a-z0-9-]+$")
_SOURCE = re.compile(f"{_URL.pattern}|{_FACTSHEET_REF.pattern}")
_EMAIL = re.compile(r"^[^@\s]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
# Phone numbers as people dial them: digits, spaces, hyphens, an optional leading +.
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{1,18}[0-9]$")
# Emergency numbers may be as short as two digits (Pakistan's police: 15).
_EMERGENCY = re.compile(f"^[0-9]{{2}}$|{_PHONE.pattern}")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# Verified dates are ISO: a day (2026-11-14) or, where only the month is known, 2026-11.
_VERIFIED = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
# Dates of law (in force, duties applying from) have the same form as verified dates.
_DATE = _VERIFIED

# Facts of each record that may be marked unverified.
PLATFORM_FACTS = ("steps", "links", "email", "stopncii_partner", "takedown")
# "crisis_services" marked unverified: no crisis line serving the place is confirmed yet.
JURISDICTION_FACTS = ("emergency", "police_non_emergency", "police_notes", "silent_call",
                      "crisis_services")
LAW_FACTS = ("summary", "in_force", "title", "takedown")
# What starts a takedown clock (Takedown.started_by).
TAKEDOWN_CLOCKS = ("report", "notice")


class DirectoryError(ValueError):
    """The directory data does not match its schema; `problems` lists every fault."""

    def __init__(self, problems: List[str]) -> None:
        super().__init__("service directory is invalid:\n  " + "\n  ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Provenance:
    """Where a record's facts came from, when they were checked, and what is unconfirmed."""

    source: Tuple[str, ...]
    verified: str
    unverified: Tuple[str, ...] = ()

    def is_unverified(self, fact: str) -> bool:
        """True when no source confirmed this fact, so it is shown marked."""
        return fact in self.unverified

    @property
    def has_primary_source(self) -> bool:
        """Checked against a public page, not only against the fact sheet."""
        return any(s.startswith("https://") for s in self.source)


@dataclass(frozen=True)
class Eligibility:
    """Who a service is for: the places it serves ("*" for anywhere) and an age range."""

    countries: Tuple[str, ...]
    min_age: Optional[int] = None
    max_age: Optional[int] = None


@dataclass(frozen=True)
class Contact:
    """The ways to reach a service; any may be absent."""

    phone: Optional[str] = None
    text: Optional[str] = None      # e.g. "Text SHOUT to 85258"
    web: Optional[str] = None
    email: Optional[str] = None
    chat: Optional[str] = None      # a web address for live chat


@dataclass(frozen=True)
class Service:
    """One service a person can be sent to, with whom it serves and how to reach it."""

    id: str
    name: str
    summary: str
    kinds: Tuple[str, ...]
    eligibility: Eligibility
    contact: Contact
    hours: Optional[str]
    provenance: Provenance
    situations: Tuple[str, ...] = SITUATIONS
    note: Optional[str] = None
    # Free to use, as the service's own pages (in its sources) say; never assumed.
    free: bool = False


@dataclass(frozen=True)
class Link:
    """A labelled web address, such as a platform's reporting form."""

    label: str
    url: str


@dataclass(frozen=True)
class Takedown:
    """A time limit a law or a platform sets for removing an intimate image, and where to
    turn when it is missed (ids of services in services.yml)."""

    hours: int
    after: str                       # what starts the clock, e.g. "a valid removal request"
    escalation: Tuple[str, ...] = ()
    applies_from: Optional[str] = None   # YYYY-MM-DD or YYYY-MM: when the duty began
    countries: Tuple[str, ...] = ()      # where it applies; empty: wherever the record does
    # What starts the clock (TAKEDOWN_CLOCKS): "report", the person's own report to the
    # platform; "notice", an authority's notice to the platform, which the person does not
    # see, so their case log cannot tell when the limit passes.
    started_by: str = "report"


@dataclass(frozen=True)
class Platform:
    """A site or app: how to report an image there, and its names as people type them."""

    id: str
    name: str
    aliases: Tuple[str, ...]
    steps: Tuple[str, ...]
    links: Tuple[Link, ...]
    stopncii_partner: bool
    provenance: Provenance
    email: Optional[str] = None     # a reporting address, where the platform gives one
    takedown: Optional[Takedown] = None


@dataclass(frozen=True)
class Jurisdiction:
    """A country or nation: its emergency and police numbers and its crisis lines."""

    id: str
    name: str
    aliases: Tuple[str, ...]
    emergency: str
    police_non_emergency: Optional[str]
    police_notes: Tuple[str, ...]
    crisis_services: Tuple[str, ...]
    provenance: Provenance
    # How to ask for help without speaking (UK: dial 999, stay silent, press 55 when
    # prompted). A structured fact so no code ever searches note text for a number.
    silent_call: Optional[str] = None


@dataclass(frozen=True)
class Law:
    """A point of law in some places: what it says, when it took effect, any removal limit."""

    id: str
    jurisdictions: Tuple[str, ...]
    title: str
    summary: str
    provenance: Provenance
    # When the offence or duty took effect (YYYY-MM-DD or YYYY-MM). Absent when no source
    # confirms it: "in_force" is then always among the provenance's unverified facts.
    in_force: Optional[str] = None
    takedown: Optional[Takedown] = None


@dataclass(frozen=True)
class EvidenceStep:
    """One step of keeping evidence, for the audience it is safe for."""

    id: str
    text: str
    provenance: Provenance
    # Who the step is for (EVIDENCE_AUDIENCES). Only an "adults" step may mention
    # screenshotting, saving, downloading, forwarding or viewing an image: the schema
    # rejects such advice anywhere else.
    audience: str = "all"


@dataclass
class _Checker:
    """Collects every problem with a location, so one run reports them all."""

    problems: List[str] = field(default_factory=list)

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def mapping(self, value: Any, where: str, required: Tuple[str, ...],
                optional: Tuple[str, ...] = ()) -> Dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, "expected a mapping")
            return {}
        for key in required:
            if key not in value:
                self.fail(where, f"missing '{key}'")
        for key in value:
            if key not in required and key not in optional:
                self.fail(where, f"unknown key '{key}'")
        return value

    def text(self, value: Any, where: str, optional: bool = False,
             max_len: int = 1200) -> Optional[str]:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "expected non-empty text")
            return ""
        if len(value) > max_len:
            self.fail(where, f"longer than {max_len} characters")
        return value.strip()

    def pattern(self, value: Any, where: str, regex: "re.Pattern[str]", what: str,
                optional: bool = True) -> Optional[str]:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not regex.match(value):
            self.fail(where, f"not a valid {what}: {value!r}")
            return None
        return value

    def text_list(self, value: Any, where: str, allow_empty: bool = False) -> Tuple[str, ...]:
        if value is None and allow_empty:
            return ()
        if not isinstance(value, list) or (not value and not allow_empty):
            self.fail(where, "expected a list" + ("" if allow_empty else " with at least one item"))
            return ()
        return tuple(self.text(v, f"{where}[{i}]") or "" for i, v in enumerate(value))

    def choices(self, value: Any, where: str, allowed: Tuple[str, ...],
                allow_empty: bool = False) -> Tuple[str, ...]:
        items = self.text_list(value, where, allow_empty)
        for item in items:
            if item not in allowed:
                self.fail(where, f"unknown value '{item}' (allowed: {', '.join(allowed)})")
        return items

    def age(self, value: Any, where: str) -> Optional[int]:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 120:
            self.fail(where, f"not an age: {value!r}")
            return None
        return value

    def date(self, value: Any, where: str, optional: bool = True) -> Optional[str]:
        """A real date, YYYY-MM-DD or (where only the month is known) YYYY-MM."""
        if isinstance(value, dt.date):  # YAML reads an unquoted 2026-02-06 as a date
            value = value.isoformat()
        value = self.pattern(value, where, _DATE, "date (YYYY-MM or YYYY-MM-DD)",
                             optional=optional)
        if value:
            try:  # the regex lets through 2026-13 or 2026-02-30
                dt.date.fromisoformat(value if len(value) == 10 else value + "-01")
            except ValueError:
                self.fail(where, f"not a real date: {value}")
                return None
        return value

    def child_safe(self, text: Optional[str], where: str) -> None:
        """Advice that may reach a child never suggests handling the image."""
        found = image_handling_advice(text or "")
        if found:
            self.fail(where, "advises handling the image (" + ", ".join(repr(f) for f in found)
                      + "); only an evidence step with audience 'adults' may")

    def provenance(self, record: Dict[str, Any], where: str,
                   facts: Tuple[str, ...]) -> Provenance:
        sources = record.get("source")
        if isinstance(sources, str):
            sources = [sources]
        urls = tuple(
            self.pattern(s, f"{where}.source", _SOURCE, "https URL or factsheet.md#section",
                         optional=False) or ""
            for s in (sources or [None])
        )
        verified = self.date(record.get("verified"), f"{where}.verified", optional=False) or ""
        # Compare at the precision given: a day later this month is in the future too.
        if verified and verified > dt.date.today().isoformat()[:len(verified)]:
            self.fail(f"{where}.verified", f"date in the future: {verified}")
        unverified = self.choices(record.get("unverified"), f"{where}.unverified",
                                  facts, allow_empty=True)
        return Provenance(source=urls, verified=verified, unverified=unverified)


def _service(c: _Checker, raw: Any, where: str) -> Service:
    d = c.mapping(raw, where, ("id", "name", "summary", "kinds", "eligibility", "contact",
                               "source", "verified"),
                  ("hours", "unverified", "situations", "note", "free"))
    elig = c.mapping(d.get("eligibility"), f"{where}.eligibility", ("countries",),
                     ("min_age", "max_age"))
    eligibility = Eligibility(
        countries=c.choices(elig.get("countries"), f"{where}.eligibility.countries",
                            ELIGIBLE_CODES),
        min_age=c.age(elig.get("min_age"), f"{where}.eligibility.min_age"),
        max_age=c.age(elig.get("max_age"), f"{where}.eligibility.max_age"),
    )
    if (eligibility.min_age is not None and eligibility.max_age is not None
            and eligibility.min_age > eligibility.max_age):
        c.fail(f"{where}.eligibility", "min_age is above max_age")
    cd = c.mapping(d.get("contact"), f"{where}.contact", (), CONTACT_FIELDS)
    contact = Contact(
        phone=c.pattern(cd.get("phone"), f"{where}.contact.phone", _PHONE, "phone number"),
        text=c.text(cd.get("text"), f"{where}.contact.text", optional=True, max_len=120),
        web=c.pattern(cd.get("web"), f"{where}.contact.web", _URL, "https URL"),
        email=c.pattern(cd.get("email"), f"{where}.contact.email", _EMAIL, "email address"),
        chat=c.pattern(cd.get("chat"), f"{where}.contact.chat", _URL, "https URL"),
    )
    if not any(getattr(contact, f) for f in CONTACT_FIELDS):
        c.fail(f"{where}.contact", "no way to reach the service")
    provenance = c.provenance(d, where, SERVICE_FACTS)
    for fact in provenance.unverified:
        if fact in CONTACT_FIELDS and not getattr(contact, fact):
            c.fail(f"{where}.unverified", f"'{fact}' is marked unverified but not given")
    if contact.phone and provenance.is_unverified("phone") and not contact.web:
        c.fail(where, "an unverified phone number needs a web address to prefer")
    situations = d.get("situations")
    summary = c.text(d.get("summary"), f"{where}.summary", max_len=400) or ""
    note = c.text(d.get("note"), f"{where}.note", optional=True, max_len=400)
    c.child_safe(summary, f"{where}.summary")
    c.child_safe(note, f"{where}.note")
    free = d.get("free", False)
    if not isinstance(free, bool):
        c.fail(f"{where}.free", "expected true or false")
    return Service(
        id=c.pattern(d.get("id"), f"{where}.id", _ID, "id", optional=False) or "",
        name=c.text(d.get("name"), f"{where}.name", max_len=120) or "",
        summary=summary,
        kinds=c.choices(d.get("kinds"), f"{where}.kinds", SERVICE_KINDS),
        eligibility=eligibility,
        contact=contact,
        hours=c.text(d.get("hours"), f"{where}.hours", optional=True, max_len=200),
        provenance=provenance,
        situations=(c.choices(situations, f"{where}.situations", SITUATIONS)
                    if situations is not None else SITUATIONS),
        note=note,
        free=free is True,
    )


def _takedown(c: _Checker, raw: Any, where: str) -> Optional[Takedown]:
    if raw is None:
        return None
    d = c.mapping(raw, where, ("hours", "after"),
                  ("escalation", "applies_from", "countries", "started_by"))
    hours = d.get("hours")
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= 24 * 365:
        c.fail(f"{where}.hours", f"not a number of hours: {hours!r}")
        hours = 0
    return Takedown(
        hours=hours,
        after=c.text(d.get("after"), f"{where}.after", max_len=200) or "",
        escalation=tuple(c.pattern(e, f"{where}.escalation", _ID, "service id",
                                   optional=False) or ""
                         for e in c.text_list(d.get("escalation"), f"{where}.escalation",
                                              allow_empty=True)),
        applies_from=c.date(d.get("applies_from"), f"{where}.applies_from"),
        countries=c.choices(d.get("countries"), f"{where}.countries", COUNTRY_CODES,
                            allow_empty=True),
        started_by=_clock(c, d.get("started_by", "report"), f"{where}.started_by"),
    )


def _clock(c: _Checker, value: Any, where: str) -> str:
    if value not in TAKEDOWN_CLOCKS:
        c.fail(where, f"expected one of {', '.join(TAKEDOWN_CLOCKS)}")
        return "report"
    return value


def _platform(c: _Checker, raw: Any, where: str) -> Platform:
    d = c.mapping(raw, where, ("id", "name", "aliases", "steps", "links", "source", "verified"),
                  ("stopncii_partner", "unverified", "email", "takedown"))
    links = []
    for i, link in enumerate(d.get("links") or []):
        ld = c.mapping(link, f"{where}.links[{i}]", ("label", "url"))
        links.append(Link(label=c.text(ld.get("label"), f"{where}.links[{i}].label") or "",
                          url=c.pattern(ld.get("url"), f"{where}.links[{i}].url", _URL,
                                        "https URL", optional=False) or ""))
    partner = d.get("stopncii_partner", False)
    if not isinstance(partner, bool):
        c.fail(f"{where}.stopncii_partner", "expected true or false")
    # "email" was already a fact a platform could mark unverified, with nowhere to put it.
    email = c.pattern(d.get("email"), f"{where}.email", _EMAIL, "email address")
    provenance = c.provenance(d, where, PLATFORM_FACTS)
    if provenance.is_unverified("email") and not email:
        c.fail(f"{where}.unverified", "'email' is marked unverified but not given")
    steps = c.text_list(d.get("steps"), f"{where}.steps")
    for i, step in enumerate(steps):
        c.child_safe(step, f"{where}.steps[{i}]")
    takedown = _takedown(c, d.get("takedown"), f"{where}.takedown")
    if provenance.is_unverified("takedown") and not takedown:
        c.fail(f"{where}.unverified", "'takedown' is marked unverified but not given")
    return Platform(
        id=c.pattern(d.get("id"), f"{where}.id", _ID, "id", optional=False) or "",
        name=c.text(d.get("name"), f"{where}.name", max_len=80) or "",
        aliases=tuple(a.lower() for a in c.text_list(d.get("aliases"), f"{where}.aliases")),
        steps=steps,
        links=tuple(links),
        stopncii_partner=bool(partner),
        provenance=provenance,
        email=email,
        takedown=takedown,
    )


def _jurisdiction(c: _Checker, raw: Any, where: str) -> Jurisdiction:
    d = c.mapping(raw, where, ("id", "name", "aliases", "emergency", "crisis_services",
                               "source", "verified"),
                  ("police_non_emergency", "police_notes", "silent_call", "unverified"))
    jid = d.get("id")
    if jid not in COUNTRY_CODES:
        c.fail(f"{where}.id", f"unknown jurisdiction '{jid}'")
    notes = c.text_list(d.get("police_notes"), f"{where}.police_notes", allow_empty=True)
    silent_call = c.text(d.get("silent_call"), f"{where}.silent_call", optional=True,
                         max_len=300)
    for i, note in enumerate(notes):
        c.child_safe(note, f"{where}.police_notes[{i}]")
    provenance = c.provenance(d, where, JURISDICTION_FACTS)
    if provenance.is_unverified("silent_call") and not silent_call:
        c.fail(f"{where}.unverified", "'silent_call' is marked unverified but not given")
    return Jurisdiction(
        id=jid or "",
        name=c.text(d.get("name"), f"{where}.name", max_len=80) or "",
        aliases=tuple(a.lower() for a in c.text_list(d.get("aliases"), f"{where}.aliases",
                                                    allow_empty=True)),
        emergency=c.pattern(str(d.get("emergency", "")), f"{where}.emergency", _EMERGENCY,
                            "phone number", optional=False) or "",
        police_non_emergency=c.pattern(
            None if d.get("police_non_emergency") is None else str(d["police_non_emergency"]),
            f"{where}.police_non_emergency", _PHONE, "phone number"),
        police_notes=notes,
        # Every real place must name a crisis line, or say that none is confirmed yet;
        # "OTHER" (anywhere else) may have none: no crisis line serves the whole world.
        crisis_services=c.text_list(
            d.get("crisis_services"), f"{where}.crisis_services",
            allow_empty=(jid == "OTHER" or provenance.is_unverified("crisis_services"))),
        provenance=provenance,
        silent_call=silent_call,
    )


def _law(c: _Checker, raw: Any, where: str) -> Law:
    d = c.mapping(raw, where, ("id", "jurisdictions", "title", "summary", "source", "verified"),
                  ("unverified", "in_force", "takedown"))
    summary = c.text(d.get("summary"), f"{where}.summary") or ""
    c.child_safe(summary, f"{where}.summary")
    provenance = c.provenance(d, where, LAW_FACTS)
    in_force = c.date(d.get("in_force"), f"{where}.in_force")
    if in_force is None and not provenance.is_unverified("in_force"):
        # No date is a date no source confirmed: the renderer and freshness report say so.
        provenance = replace(provenance, unverified=provenance.unverified + ("in_force",))
    takedown = _takedown(c, d.get("takedown"), f"{where}.takedown")
    if provenance.is_unverified("takedown") and not takedown:
        c.fail(f"{where}.unverified", "'takedown' is marked unverified but not given")
    return Law(
        id=c.pattern(d.get("id"), f"{where}.id", _ID, "id", optional=False) or "",
        jurisdictions=c.choices(d.get("jurisdictions"), f"{where}.jurisdictions",
                                COUNTRY_CODES),
        title=c.text(d.get("title"), f"{where}.title", max_len=200) or "",
        summary=summary,
        provenance=provenance,
        in_force=in_force,
        takedown=takedown,
    )


def _evidence(c: _Checker, raw: Any, where: str) -> EvidenceStep:
    d = c.mapping(raw, where, ("id", "text", "source", "verified"), ("unverified", "audience"))
    audience = d.get("audience", "all")
    if audience not in EVIDENCE_AUDIENCES:
        c.fail(f"{where}.audience", f"expected one of {', '.join(EVIDENCE_AUDIENCES)}")
    text = c.text(d.get("text"), f"{where}.text", max_len=600) or ""
    if audience != ADULTS_ONLY:
        # The rule that keeps a child's image from being screenshotted on our advice.
        c.child_safe(text, f"{where}.text")
    return EvidenceStep(
        id=c.pattern(d.get("id"), f"{where}.id", _ID, "id", optional=False) or "",
        text=text,
        provenance=c.provenance(d, where, ("text",)),
        audience=audience,
    )


def _records(c: _Checker, doc: Any, key: str, name: str, parse: Any) -> List[Any]:
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        c.fail(name, f"expected a top-level '{key}:' list")
        return []
    records = [parse(c, raw, f"{name}:{key}[{i}]") for i, raw in enumerate(doc[key])]
    seen = set()
    for r in records:
        if r.id in seen:
            c.fail(name, f"duplicate id '{r.id}'")
        seen.add(r.id)
    return records


PARSERS = {
    "services": _service,
    "platforms": _platform,
    "jurisdictions": _jurisdiction,
    "laws": _law,
    "evidence": _evidence,
}
