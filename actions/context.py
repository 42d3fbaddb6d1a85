"""What actions know about the person, read from the tracker's slots and metadata."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.referrals import referrals

from bot.contract import CHANNELS
from bot.directory import ADULT, UNDER_18, Person

UNKNOWN = "unknown"


def _known(value: Any) -> Optional[Any]:
    return None if value in (None, "", UNKNOWN) else value


def person(tracker: Tracker) -> Person:
    """The directory's view of the person, for eligibility; a stated age wins over an age group."""
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


def country(tracker: Tracker) -> Optional[str]:
    """The person's jurisdiction code, if they said it."""
    return _known(tracker.get_slot("country"))


def is_helper(tracker: Tracker) -> bool:
    """True when someone is asking on behalf of the person affected."""
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
    """The referral's risk flags: those raised so far, plus under-18 and sextortion."""
    flags = set(tracker.get_slot("risk_flags") or [])
    if person(tracker).is_minor or tracker.get_slot("image_age_group") == UNDER_18:
        flags.add("under_18")
    if tracker.get_slot("situation") == "sextortion":
        flags.add("sextortion")
    return sorted(flags)


def known_platforms(tracker: Tracker) -> List[str]:
    """The platforms named, without "unknown" and "other"."""
    return [p for p in tracker.get_slot("platforms") or [] if p not in (UNKNOWN, "other")]


def record_offer(tracker: Tracker, routes: Iterable[str], services: Iterable[str],
                 platforms: Iterable[str] = ()) -> List[EventType]:
    """Logs what was offered for the referral record (codes and ids, never message text)
    and remembers it in slots, so a handoff shows the team what the person was given."""
    routes_offered = sorted(set(tracker.get_slot("routes_offered") or []) | set(routes))
    services_offered = sorted(set(tracker.get_slot("services_offered") or [])
                              | set(services))
    referrals().record(
        "referral", tracker.sender_id, channel(tracker), triage(tracker),
        risk_flags(tracker), routes_offered, services_offered,
        sorted(set(known_platforms(tracker)) | set(platforms)))
    return [SlotSet("routes_offered", routes_offered),
            SlotSet("services_offered", services_offered)]
