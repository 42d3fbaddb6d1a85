"""The Directory page: the same service directory the assistant uses, for staff calling
someone back. Services by country and age, platform routes, the law, each with its sources
and the date it was last checked; stale and unconfirmed facts are highlighted, and
supervisors and admins see the list of what is due for checking.

Read-only: the directory is changed in `data/directory/` and reviewed like code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from aiohttp import web

from bot.backend.keys import CLOCK, USER
from bot.backend.storage.vocab import SUPERVISOR_ROLES
from bot.backend.web.templating import render
from bot.contract import JURISDICTIONS
from bot.directory import Directory, Person, cached_directory
from bot.directory.describe import in_force_text, month_year
from bot.directory.freshness import checked_on, check_freshness
from bot.directory.records import Provenance

# How old a check may be before the entry is shown as due (the same limit as
# `make check-directory`).
MAX_AGE_DAYS = 180
AGES = {"any": Person(), "under_18": Person(age=15), "adult": Person(age=30)}


@dataclass(frozen=True)
class Freshness:
    """How an entry is shown: when it was checked, and what to highlight."""

    checked: str
    stale: bool
    unverified: Tuple[str, ...]
    sources: Tuple[str, ...]


def freshness(provenance: Provenance, today) -> Freshness:
    """The entry's last check, whether it is older than MAX_AGE_DAYS, its unconfirmed facts."""
    when = checked_on(provenance.verified)
    return Freshness(
        checked=month_year(provenance.verified),
        stale=(today - when).days > MAX_AGE_DAYS,
        unverified=provenance.unverified,
        sources=provenance.source)


def _choice(value: Optional[str], allowed, default: str) -> str:
    return value if value in allowed else default


def page_data(directory: Directory, country: str, age: str, today, due: bool) -> dict:
    """What the template shows for one country and age group."""
    person = Person(country=country, age=AGES[age].age)
    place = directory.jurisdiction(country)
    services = [s for s in directory.services if directory.eligible(s, person)]
    report = check_freshness(directory, today, MAX_AGE_DAYS) if due else None
    return {
        "countries": [(j.id, j.name) for j in directory.jurisdictions],
        "country": country, "age": age, "ages": list(AGES),
        "place": place, "place_fresh": freshness(place.provenance, today),
        "silent_call": place.silent_call,
        "services": [(s, freshness(s.provenance, today)) for s in services],
        "platforms": [(p, freshness(p.provenance, today)) for p in directory.platforms],
        "laws": [(law, in_force_text(law), freshness(law.provenance, today))
                 for law in directory.laws_for(country)],
        "report": report,
        "max_age_days": MAX_AGE_DAYS,
    }


async def directory_page(request: web.Request) -> web.StreamResponse:
    """GET /staff/directory?country=GB-ENG&age=adult: any signed-in staff member."""
    directory = cached_directory()
    country = _choice(request.query.get("country"), JURISDICTIONS, directory.home)
    age = _choice(request.query.get("age"), AGES, "any")
    user = request[USER]
    today = request.config_dict[CLOCK]().date()
    data = page_data(directory, country, age, today, due=user.role in SUPERVISOR_ROLES)
    return render("directory.html", request, data)


