"""Loads the service directory from `data/directory/*.yml` and answers questions about it.

Actions ask the directory for the entries that fit a person's country, age and situation;
they never hard-code a number or a link.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple, Union

import yaml

from bot.contract import ELSEWHERE, UNITED_KINGDOM, home_jurisdiction
from bot.directory.records import (
    ADULTS_ONLY,
    FACTSHEET,
    PARSERS,
    UK_NATIONS,
    DirectoryError,
    EvidenceStep,
    Jurisdiction,
    Law,
    Platform,
    Service,
    Takedown,
    _Checker,
    _records,
)

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "data" / "directory"

ADULT = "adult"
UNDER_18 = "under_18"


@dataclass(frozen=True)
class Person:
    """What the person chose to tell us; every field may be unknown (None)."""

    country: Optional[str] = None      # a schema.COUNTRY_CODES value
    age: Optional[int] = None
    age_group: Optional[str] = None    # "under_18" | "adult"
    situation: Optional[str] = None    # a schema.SITUATIONS value
    # The age of the person affected when the image was taken ("under_18" | "adult"),
    # where they said; and whether someone else (a parent, a friend) is asking for them.
    age_in_image: Optional[str] = None
    helper: bool = False

    def age_range(self) -> Tuple[int, int]:
        """The youngest and oldest the person may be from what they said (0 to 120 if unknown)."""
        if self.age is not None:
            return self.age, self.age
        if self.age_group == UNDER_18:
            return 0, 17
        if self.age_group == ADULT:
            return 18, 120
        return 0, 120

    @property
    def is_minor(self) -> bool:
        """Certainly under 18 on what the person said."""
        return self.age_range()[1] < 18

    @property
    def is_adult(self) -> bool:
        """Certainly 18 or over on what the person said."""
        return self.age_range()[0] >= 18

    @property
    def needs_child_safe_advice(self) -> bool:
        """Advice must not involve handling the image: someone is helping, or the person in
        the image is, or may have been, under 18 when it was taken.

        Only an adult asking for themselves, about an image not known to show them under
        18, gets the adult steps (which still say they are only for images of adults)."""
        if self.helper or self.age_in_image == UNDER_18 or self.is_minor:
            return True
        if self.age_in_image == ADULT:
            return False
        return not self.is_adult


@dataclass(frozen=True)
class Directory:
    """The service directory, loaded and validated, and the questions actions ask of it."""

    services: Tuple[Service, ...]
    platforms: Tuple[Platform, ...]
    jurisdictions: Tuple[Jurisdiction, ...]
    laws: Tuple[Law, ...]
    evidence: Tuple[EvidenceStep, ...]
    # Where a person who has not said where they live is assumed to be (HOME_JURISDICTION).
    home: str = UNITED_KINGDOM

    def service(self, service_id: str) -> Service:
        """One service by id (KeyError if there is none)."""
        for s in self.services:
            if s.id == service_id:
                return s
        raise KeyError(service_id)

    def law(self, law_id: str) -> Law:
        """One law by id (KeyError if there is none)."""
        for law in self.laws:
            if law.id == law_id:
                return law
        raise KeyError(law_id)

    def find(self, kinds: Iterable[str], person: Person = Person(),
             limit: Optional[int] = None) -> List[Service]:
        """Services of any of `kinds` that the person is eligible for, in directory order."""
        wanted = set(kinds)
        found = [s for s in self.services
                 if wanted.intersection(s.kinds) and self.eligible(s, person)]
        return found[:limit] if limit else found

    def eligible(self, service: Service, person: Person) -> bool:
        """The person (whose unknown country is taken as home) may use the service."""
        return (_country_matches(service.eligibility.countries, person.country or self.home)
                and _age_matches(service, person)
                and (person.situation is None or person.situation in service.situations))

    def jurisdiction(self, code: Optional[str]) -> Jurisdiction:
        """The person's jurisdiction; unknown means the charity's home jurisdiction."""
        code = code or self.home
        for j in self.jurisdictions:
            if j.id == code:
                return j
        return self.jurisdiction("OTHER")

    def laws_for(self, code: Optional[str]) -> List[Law]:
        """The laws of a place (unknown means home): a nation's include UK-wide laws, and the
        UK's include every nation's."""
        codes = {code or self.home}
        if UNITED_KINGDOM in codes:
            codes.update(UK_NATIONS)
        elif codes.intersection(UK_NATIONS):
            codes.add(UNITED_KINGDOM)  # a UK-wide law applies in each nation, as for services
        return [law for law in self.laws if codes.intersection(law.jurisdictions)]

    def evidence_for(self, person: Person = Person(),
                     child_safe: Optional[bool] = None) -> List[EvidenceStep]:
        """Evidence steps for this person, in directory order.

        Child-safe advice (`child_safe`, else `person.needs_child_safe_advice`: a helper,
        an unknown age, or anyone under 18 in the image) gets the "under_18" steps and
        never an "adults" step, the only steps that may mention handling the image."""
        if child_safe is None:
            child_safe = person.needs_child_safe_advice
        audiences = {"all", "under_18" if child_safe else ADULTS_ONLY}
        return [step for step in self.evidence if step.audience in audiences]

    def evidence_step(self, step_id: str) -> EvidenceStep:
        """One evidence step by id (KeyError if there is none)."""
        for step in self.evidence:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def takedown_rules(self, code: Optional[str]) -> List[Tuple[Union[Law, Platform], Takedown]]:
        """Removal time limits that apply in a place: its laws', and platforms' that apply
        there (a platform's limit without countries applies everywhere)."""
        place = code or self.home
        rules: List[Tuple[Union[Law, Platform], Takedown]] = [
            (law, law.takedown) for law in self.laws_for(place) if law.takedown]
        for platform in self.platforms:
            t = platform.takedown
            if t and (not t.countries or _country_matches(t.countries, place)):
                rules.append((platform, t))
        return rules

    def stopncii_partners(self) -> List[Platform]:
        """The platforms that block images hashed with StopNCII."""
        return [p for p in self.platforms if p.stopncii_partner]

    def platform(self, name_or_alias: str) -> Optional[Platform]:
        """The platform with this id or alias, in any case; None when the directory has none."""
        key = name_or_alias.strip().lower()
        for p in self.platforms:
            if key == p.id or key in p.aliases:
                return p
        return None


def _country_matches(eligible: Sequence[str], country: str) -> bool:
    if "*" in eligible:
        return True
    if country in eligible:
        return True
    if country in UK_NATIONS:
        return UNITED_KINGDOM in eligible
    if country == UNITED_KINGDOM:
        # Nation unknown: a nation-specific service may still be the right one, and the
        # renderer names its area.
        return any(code in UK_NATIONS for code in eligible)
    return False


def _age_matches(service: Service, person: Person) -> bool:
    low, high = person.age_range()
    min_age = service.eligibility.min_age if service.eligibility.min_age is not None else 0
    max_age = service.eligibility.max_age if service.eligibility.max_age is not None else 120
    return low <= max_age and high >= min_age


def load_directory(root: Optional[Path] = None, home: Optional[str] = None) -> Directory:
    """Reads and validates every directory file; raises DirectoryError listing all faults.

    `home` is the charity's own jurisdiction (default: HOME_JURISDICTION, else the UK)."""
    root = Path(root or os.environ.get("DIRECTORY_DIR") or DEFAULT_ROOT)
    checker = _Checker()
    parsed = {}
    for key, parse in PARSERS.items():
        path = root / f"{key}.yml"
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            checker.fail(path.name, f"cannot read: {exc}")
            doc = None
        parsed[key] = tuple(_records(checker, doc, key, path.name, parse))
    directory = Directory(**parsed, home=home or home_jurisdiction())
    _check_references(checker, directory)
    _check_factsheet_sections(checker, directory, root / FACTSHEET)
    if checker.problems:
        raise DirectoryError(checker.problems)
    return directory


def _check_references(c: _Checker, d: Directory) -> None:
    service_ids = {s.id for s in d.services}
    for j in d.jurisdictions:
        for sid in j.crisis_services:
            if sid not in service_ids:
                c.fail(f"jurisdictions.yml:{j.id}", f"unknown crisis service '{sid}'")
    aliases = {}
    for p in d.platforms:
        for alias in p.aliases + (p.id,):
            if alias in aliases and aliases[alias] != p.id:
                c.fail(f"platforms.yml:{p.id}", f"alias '{alias}' also used by {aliases[alias]}")
            aliases[alias] = p.id
    for code in (UNITED_KINGDOM, ELSEWHERE, d.home):
        if code not in {j.id for j in d.jurisdictions}:
            c.fail("jurisdictions.yml", f"missing the '{code}' jurisdiction")
    place_aliases = {}
    for j in d.jurisdictions:
        for alias in j.aliases:
            if alias in place_aliases and place_aliases[alias] != j.id:
                c.fail(f"jurisdictions.yml:{j.id}",
                       f"alias '{alias}' also used by {place_aliases[alias]}")
            place_aliases[alias] = j.id
    for name, records in (("laws.yml", d.laws), ("platforms.yml", d.platforms)):
        for record in records:
            for sid in (record.takedown.escalation if record.takedown else ()):
                if sid not in service_ids:
                    c.fail(f"{name}:{record.id}", f"unknown escalation service '{sid}'")


def _slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    return re.sub(r"[^a-z0-9 -]", "", heading.strip().lower()).replace(" ", "-")


def _check_factsheet_sections(c: _Checker, d: Directory, factsheet: Path) -> None:
    refs = {(s, r.id) for records in (d.services, d.platforms, d.jurisdictions, d.laws,
                                      d.evidence)
            for r in records for s in r.provenance.source if s.startswith(FACTSHEET)}
    if not refs:
        return
    try:
        text = factsheet.read_text(encoding="utf-8")
    except OSError as exc:
        c.fail(FACTSHEET, f"cannot read: {exc}")
        return
    anchors = {_slug(m.group(1)) for m in re.finditer(r"^#+ (.+)$", text, re.MULTILINE)}
    for ref, record_id in sorted(refs):
        if ref.split("#", 1)[1] not in anchors:
            c.fail(record_id, f"source {ref} names no section of {FACTSHEET}")


@lru_cache(maxsize=4)
def cached_directory(root: Optional[str] = None) -> Directory:
    """The directory, loaded once per process (actions call this on every turn)."""
    return load_directory(Path(root) if root else None)
