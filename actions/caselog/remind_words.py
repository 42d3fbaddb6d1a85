"""A reminder as people ask for one: "remind me in two days to check the reddit post".

`parse_request` finds when (in N minutes, hours, days or weeks, in words or digits;
tomorrow; next week; on a weekday) and what (the words after "to" or "about"), and the
log entry it is about when those words name a place's platform. Pure: the clock is given.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Dict, Optional

NUMBERS: Dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2,
    "a couple of": 2, "few": 3, "a few": 3,
}
UNITS = {"minute": dt.timedelta(minutes=1), "min": dt.timedelta(minutes=1),
         "hour": dt.timedelta(hours=1), "hr": dt.timedelta(hours=1),
         "day": dt.timedelta(days=1), "week": dt.timedelta(weeks=1)}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_IN = re.compile(r"\bin\s+(\d{1,3}|a couple of|a few|couple|few|an?|one|two|three|four|five|"
                 r"six|seven|eight|nine|ten|eleven|twelve)\s+(minute|min|hour|hr|day|week)s?\b",
                 re.IGNORECASE)
_TOMORROW = re.compile(r"\btomorrow\b", re.IGNORECASE)
_NEXT_WEEK = re.compile(r"\bnext week\b", re.IGNORECASE)
_WEEKDAY = re.compile(r"\b(?:on\s+)?(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
_WHAT = re.compile(r"\b(?:to|about|that i (?:need|have) to)\s+(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class ReminderRequest:
    """When, and about what, in the person's words (either may be missing)."""

    due_at: Optional[dt.datetime]
    text: Optional[str]


def parse_request(message: str, now: dt.datetime) -> ReminderRequest:
    """When and what a reminder request asks for; `now` is timezone-aware."""
    due = _when(message, now)
    rest = _IN.sub(" ", message)
    for pattern in (_TOMORROW, _NEXT_WEEK, _WEEKDAY):
        rest = pattern.sub(" ", rest)
    match = _WHAT.search(rest)
    text = None
    if match:
        text = re.sub(r"\s+", " ", match.group(1)).strip(" .!?,") or None
    return ReminderRequest(due, text[:100] if text else None)


def _when(message: str, now: dt.datetime) -> Optional[dt.datetime]:
    match = _IN.search(message)
    if match:
        amount = match.group(1).lower()
        count = int(amount) if amount.isdigit() else NUMBERS.get(amount, 0)
        return now + UNITS[match.group(2).lower()] * count if count else None
    if _TOMORROW.search(message):
        return now + dt.timedelta(days=1)
    if _NEXT_WEEK.search(message):
        return now + dt.timedelta(weeks=1)
    match = _WEEKDAY.search(message)
    if match:
        ahead = (WEEKDAYS.index(match.group(1).lower()) - now.weekday()) % 7 or 7
        return now + dt.timedelta(days=ahead)
    return None


def when_in_words(due: dt.datetime, now: dt.datetime) -> str:
    """"on Monday 7 December at 14:30 (UTC)", or "in 20 minutes" when it is soon."""
    minutes = round((due - now).total_seconds() / 60)
    if minutes < 60:
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    return f"on {due:%A} {due.day} {due:%B} at {due:%H:%M} (UTC)"
