"""What actions know about the person, read from the tracker's slots and metadata."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from bot.contract import CHANNELS
from bot.directory import ADULT, UNDER_18, Person

UNKNOWN = "unknown"


def _known(value: Any) -> Optional[Any]:
    return None if value in (None, "", UNKNOWN) else value


def person(tracker: Tracker) -> Person:
    age = tracker.get_slot("age")
    age_group = _known(tracker.get_slot("age_group"))
    if age is not None:
        age_group = UNDER_18 if age < 18 else ADULT
    return Person(
        country=_known(tracker.get_slot("country")),
        age=int(age) if age is not None else None,
        age_group=age_group,
        situation=_known(tracker.get_slot("situation")),
    )


def is_helper(tracker: Tracker) -> bool:
    return tracker.get_slot("role") == "helper"


def channel(tracker: Tracker) -> str:
    """Where the person is talking to us: decides how quick exit is explained."""
    metadata = tracker.latest_message.get("metadata") or {}
    named = metadata.get("channel") if isinstance(metadata, dict) else None
    if named in CHANNELS:
        return named
    latest = tracker.get_latest_input_channel()
    return latest if latest in CHANNELS else "other"


def triage(tracker: Tracker) -> Dict[str, Any]:
    """The triage fields of a referral event (the backend's contract)."""
    p = person(tracker)
    return {
        "jurisdiction": p.country,
        "age_band": p.age_group or UNKNOWN,
        "role": _known(tracker.get_slot("role")) or UNKNOWN,
        "situation": p.situation or UNKNOWN,
        "perpetrator": _known(tracker.get_slot("perpetrator")) or UNKNOWN,
    }


def risk_flags(tracker: Tracker) -> List[str]:
    flags = set(tracker.get_slot("risk_flags") or [])
    if person(tracker).is_minor:
        flags.add("under_18")
    if tracker.get_slot("situation") == "sextortion":
        flags.add("sextortion")
    return sorted(flags)


def known_platforms(tracker: Tracker) -> List[str]:
    return [p for p in tracker.get_slot("platforms") or [] if p not in (UNKNOWN, "other")]
