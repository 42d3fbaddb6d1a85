"""Turns directory records into short chat text, marking every unverified fact.

Plain text only: each channel decides how to show links. A fact no source confirmed is
never shown as if it were certain; an unverified number comes after the web address.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, List, Optional

from bot.directory.records import (
    EvidenceStep,
    Jurisdiction,
    Law,
    Platform,
    Provenance,
    Service,
)

UNVERIFIED = "(not yet confirmed, please check the website)"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _mark(text: str, provenance: Provenance, fact: str) -> str:
    return f"{text} {UNVERIFIED}" if provenance.is_unverified(fact) else text


def service_text(service: Service, with_summary: bool = True) -> str:
    """One service: name, what it does, then ways to reach it, best-confirmed first."""
    p = service.provenance
    c = service.contact
    summary = _mark(service.summary, p, "summary")
    head = f"{service.name}: {summary}" if with_summary else service.name
    ways: List[str] = []
    if c.phone and not p.is_unverified("phone"):
        ways.append(f"Call {c.phone}")
    if c.text:
        ways.append(_mark(c.text, p, "text"))
    if c.chat:
        ways.append(_mark(f"Chat: {c.chat}", p, "chat"))
    if c.web:
        ways.append(_mark(c.web, p, "web"))
    if c.email:
        ways.append(_mark(f"Email {c.email}", p, "email"))
    if c.phone and p.is_unverified("phone"):
        ways.append(f"Phone {c.phone} {UNVERIFIED}")
    lines = [head, " · ".join(ways)]
    if service.hours:
        lines.append(_mark(f"Open: {service.hours}", p, "hours"))
    elif p.is_unverified("hours"):
        lines.append("Opening hours not yet confirmed.")
    if service.note:
        lines.append(service.note)
    return "\n".join(line for line in lines if line)


def in_confidence(services: Iterable[Service]) -> str:
    """"free and confidential" only where every service's sources say it is free (the
    directory's `free`); otherwise "in confidence", claiming nothing about cost."""
    listed = list(services)
    return "free and confidential" if listed and all(s.free for s in listed) \
        else "in confidence"


def services_text(services: Iterable[Service], with_summary: bool = True) -> str:
    """Several services, one paragraph each."""
    return "\n\n".join(service_text(s, with_summary) for s in services)


def platform_text(platform: Platform) -> str:
    """How to report on a platform: numbered steps, links and email, unconfirmed ones marked."""
    p = platform.provenance
    steps = "\n".join(f"{i}. {step}" for i, step in enumerate(platform.steps, 1))
    links = "\n".join(_mark(f"{link.label}: {link.url}", p, "links") for link in platform.links)
    text = f"{platform.name}\n{_mark(steps, p, 'steps')}"
    if links:
        text += f"\n{links}"
    elif p.is_unverified("links"):
        text += "\nWe have not yet confirmed a web address for reporting this."
    if platform.email:
        text += "\n" + _mark(f"Email: {platform.email}", p, "email")
    return text


IN_FORCE_UNCONFIRMED = "We have not confirmed when this came into force."


def law_text(law: Law, today: Optional[dt.date] = None) -> str:
    """A point of law as information, never advice: what it says, then when it took effect
    (or that the date is not confirmed). A summary no source confirmed is marked."""
    summary = _mark(law.summary, law.provenance, "summary")
    return f"{law.title}\n{summary}\n{in_force_text(law, today)}"


def in_force_text(law: Law, today: Optional[dt.date] = None) -> str:
    """'In force since 31 January 2024.', 'Not yet in force: due from ...', or unconfirmed."""
    if law.in_force is None:
        return IN_FORCE_UNCONFIRMED
    when = full_date(law.in_force)
    today_iso = (today or dt.date.today()).isoformat()[:len(law.in_force)]
    text = (f"In force since {when}." if law.in_force <= today_iso
            else f"Not yet in force: due from {when}.")
    if law.provenance.is_unverified("in_force"):
        text = f"{text[:-1]}, but we have not confirmed this date."
    return text


def no_law_text(place: Jurisdiction) -> str:
    """What to say where the directory holds no law for a place: honestly, little."""
    where = "where you are" if place.id == "OTHER" else f"in {place.name}"
    return (f"We don't have checked information about the law {where}, so we can't say "
            "which laws apply there. The local police, or a local lawyer or legal advice "
            "service, can tell you.")


def silent_call_text(place: Jurisdiction) -> Optional[str]:
    """How to call for help without speaking, where the directory knows it."""
    if not place.silent_call:
        return None
    return _mark(place.silent_call, place.provenance, "silent_call")


def evidence_text(steps: Iterable[EvidenceStep]) -> str:
    """Evidence steps, numbered."""
    return "\n".join(f"{i}. {step.text}" for i, step in enumerate(steps, 1))


def checked_footer(provenances: Iterable[Provenance]) -> Optional[str]:
    """'Details checked November 2026.' using the oldest date among what was shown."""
    dates = sorted(p.verified for p in provenances if p.verified)
    if not dates:
        return None
    return f"Details last checked {month_year(dates[0])}."


def month_year(verified: str) -> str:
    """'November 2026' from a verified date (YYYY-MM or YYYY-MM-DD)."""
    year, month = int(verified[:4]), int(verified[5:7])
    return f"{_MONTHS[month - 1]} {year}"


def full_date(iso: str) -> str:
    """'6 February 2026' from 2026-02-06; 'February 2026' from 2026-02."""
    return month_year(iso) if len(iso) == 7 else f"{int(iso[8:10])} {month_year(iso)}"
