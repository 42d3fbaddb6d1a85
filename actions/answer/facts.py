"""What the conversation has told us, read from the tracker for the case plan.

Facts that have one value (age, country, who is asking...) are Rasa slots, filled from
entities on every turn, so the latest word wins. Facts that add up (what happened, the
platforms named) are read from every message of this session, so "he made fakes" then
"now he's posted them" is both. Nothing here is stored beyond the tracker.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk import Tracker

from actions.caseplan import HAPPENED, Asked, Facts
from bot.directory import ADULT, UNDER_18

UNKNOWN = "unknown"
AGE_GROUPS = (UNDER_18, ADULT)
# Slots the answer action keeps (domain/slots.yml).
ASKED_SLOT, DECLINED_SLOT, QUESTION_SLOT, TOPIC_SLOT = "asked", "declined", "question", "topic"
SESSION_BOUNDARIES = ("session_started", "restart")
NOT_A_TURN = ("action_listen", "action_session_start", "action_extract_slots")


def session_events(tracker: Tracker) -> List[Dict[str, Any]]:
    """The events since the session began (a restart or a new session forgets)."""
    events = list(tracker.events)
    for i in range(len(events) - 1, -1, -1):
        if events[i].get("event") in SESSION_BOUNDARIES:
            return events[i + 1:]
    return events


def entity_values(tracker: Tracker, entity: str) -> List[Any]:
    """Every value of `entity` in the person's messages this session, first mention first."""
    values: List[Any] = []
    for event in session_events(tracker):
        if event.get("event") != "user":
            continue
        for e in (event.get("parse_data") or {}).get("entities") or []:
            if e.get("entity") == entity and e.get("value") not in values:
                values.append(e.get("value"))
    return values


def _known(value: Any, allowed: Optional[Iterable[str]] = None) -> Optional[Any]:
    if value in (None, "", UNKNOWN):
        return None
    if allowed is not None and value not in allowed:
        return None
    return value


def facts(tracker: Tracker, platforms: Iterable[str] = ()) -> Facts:
    """The facts for the case plan (`platforms` are ids the directory knows)."""
    age = tracker.get_slot("age")
    try:
        years = int(age) if age is not None else None
    except (TypeError, ValueError):
        years = None
    return Facts(
        happened=frozenset(v for v in entity_values(tracker, "happened") if v in HAPPENED),
        age=years,
        age_group=_known(tracker.get_slot("age_group"), AGE_GROUPS),
        image_age_group=_known(tracker.get_slot("image_age_group"), AGE_GROUPS),
        country=_known(tracker.get_slot("country")),
        platforms=tuple(platforms),
        perpetrator=_known(tracker.get_slot("perpetrator")),
        helper=tracker.get_slot("role") == "helper",
        groups=tuple(tracker.get_slot("groups") or ()),
        possible_countries=tuple(entity_values(tracker, "possible_country")),
    )


def asked(tracker: Tracker) -> Asked:
    """The questions already asked and those the person would rather not answer."""
    return Asked(asked=frozenset(tracker.get_slot(ASKED_SLOT) or ()),
                 declined=frozenset(tracker.get_slot(DECLINED_SLOT) or ()))


def previous_action(tracker: Tracker) -> Optional[str]:
    """The assistant's last action before the person's latest message."""
    events = list(tracker.events)
    seen_user = False
    for event in reversed(events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action" \
                and event.get("name") not in NOT_A_TURN:
            return event.get("name")
    return None


def pending_question(tracker: Tracker, this_action: str) -> Optional[str]:
    """The fact asked at the end of the assistant's last reply, if that reply was ours."""
    if previous_action(tracker) != this_action:
        return None
    return tracker.get_slot(QUESTION_SLOT) or None
