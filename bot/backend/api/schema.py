"""The ingest event, as the action server sends it, parsed and checked field by field.

The contract (fixed; the action server's outbox client is written against it):

    {"id": uuid4, "kind": "referral"|"handoff", "conversation_id": str ≤128,
     "channel": CHANNELS, "created_at": ISO 8601 with timezone,
     "jurisdiction": JURISDICTIONS or null, "age_band": AGE_BANDS, "role": VICTIM_ROLES,
     "situation": SITUATIONS, "perpetrator": PERPETRATORS, "risk_flags": [RISK_FLAGS],
     "routes_offered": [ROUTES], "services_offered": [id ≤40] ≤50,
     "platforms": [id ≤40] ≤20, "consent": bool, "consent_at": ISO or null,
     "handoff": null or {"summary": ≤1000, "contact_method": CONTACT_METHODS,
                         "contact_details": ≤200 or null, "safe_time": ≤200}}

Every key is required (nullable ones may be null) and unknown keys are refused, so a
client built against a different version fails loudly instead of losing data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from bot.backend.web import validation as v
from bot.contract import (
    AGE_BANDS,
    CHANNELS,
    CONTACT_METHODS,
    EVENT_KINDS,
    JURISDICTIONS,
    PERPETRATORS,
    RISK_FLAGS,
    ROUTES,
    SITUATIONS,
    VICTIM_ROLES,
)

EVENT_KEYS = (
    "id", "kind", "conversation_id", "channel", "created_at", "jurisdiction", "age_band",
    "role", "situation", "perpetrator", "risk_flags", "routes_offered", "services_offered",
    "platforms", "consent", "consent_at", "handoff",
)
HANDOFF_KEYS = ("summary", "contact_method", "contact_details", "safe_time")
CONVERSATION_ID_MAX = 128
SUMMARY_MAX = 1000
CONTACT_DETAILS_MAX = 200
SAFE_TIME_MAX = 200
# Clocks differ a little; an event from further in the future is a client bug.
MAX_CLOCK_SKEW = dt.timedelta(hours=1)


@dataclass(frozen=True)
class HandoffRequest:
    """What the victim approved for staff to see, and how to reach them safely."""

    summary: str
    contact_method: str
    contact_details: str | None
    safe_time: str


@dataclass(frozen=True)
class IngestEvent:
    """One referral or handoff event from the action server."""

    id: uuid.UUID
    kind: str
    conversation_id: str
    channel: str
    created_at: dt.datetime
    jurisdiction: str | None
    age_band: str
    role: str
    situation: str
    perpetrator: str
    risk_flags: list[str]
    routes_offered: list[str]
    services_offered: list[str]
    platforms: list[str]
    consent: bool
    consent_at: dt.datetime | None
    handoff: HandoffRequest | None


def conversation_id(value: object, field: str = "conversation_id") -> str:
    """An opaque Rasa sender id: printable, at most 128 characters."""
    return v.text(value, field, max_length=CONVERSATION_ID_MAX)


def parse_event(data: object, now: dt.datetime) -> IngestEvent:
    """Check every field of a decoded JSON body; raise ValidationError on the first fault."""
    body = v.exact_keys(data, "", EVENT_KEYS)
    event = IngestEvent(
        id=v.uuid4(body["id"], "id"),
        kind=v.choice(body["kind"], "kind", EVENT_KINDS),
        conversation_id=conversation_id(body["conversation_id"]),
        channel=v.choice(body["channel"], "channel", CHANNELS),
        created_at=v.timestamp(body["created_at"], "created_at"),
        jurisdiction=v.optional_choice(body["jurisdiction"], "jurisdiction", JURISDICTIONS),
        age_band=v.choice(body["age_band"], "age_band", AGE_BANDS),
        role=v.choice(body["role"], "role", VICTIM_ROLES),
        situation=v.choice(body["situation"], "situation", SITUATIONS),
        perpetrator=v.choice(body["perpetrator"], "perpetrator", PERPETRATORS),
        risk_flags=v.subset(body["risk_flags"], "risk_flags", RISK_FLAGS),
        routes_offered=v.subset(body["routes_offered"], "routes_offered", ROUTES),
        services_offered=v.identifiers(
            body["services_offered"], "services_offered", max_items=50, max_length=40
        ),
        platforms=v.identifiers(body["platforms"], "platforms", max_items=20, max_length=40),
        consent=v.boolean(body["consent"], "consent"),
        consent_at=v.optional_timestamp(body["consent_at"], "consent_at"),
        handoff=None if body["handoff"] is None else _handoff(body["handoff"]),
    )
    _check_consistency(event, now)
    return event


def _handoff(data: object) -> HandoffRequest:
    body = v.exact_keys(data, "handoff", HANDOFF_KEYS)
    return HandoffRequest(
        summary=v.text(body["summary"], "handoff.summary", max_length=SUMMARY_MAX,
                       multiline=True),
        contact_method=v.choice(body["contact_method"], "handoff.contact_method",
                                CONTACT_METHODS),
        contact_details=v.optional_text(body["contact_details"], "handoff.contact_details",
                                        max_length=CONTACT_DETAILS_MAX),
        safe_time=v.text(body["safe_time"], "handoff.safe_time", max_length=SAFE_TIME_MAX),
    )


def _check_consistency(event: IngestEvent, now: dt.datetime) -> None:
    """Rules that join fields: a handoff needs consent; times cannot be in the future."""
    if event.created_at > now + MAX_CLOCK_SKEW:
        raise v.ValidationError("created_at", "is in the future")
    if event.consent_at is not None and event.consent_at > now + MAX_CLOCK_SKEW:
        raise v.ValidationError("consent_at", "is in the future")
    if event.consent and event.consent_at is None:
        raise v.ValidationError("consent_at", "is required when consent is true")
    if not event.consent and event.consent_at is not None:
        raise v.ValidationError("consent_at", "must be null when consent is false")
    if event.kind == "handoff":
        if event.handoff is None:
            raise v.ValidationError("handoff", "is required when kind is handoff")
        if not event.consent:
            raise v.ValidationError("consent", "must be true for a handoff")
    elif event.handoff is not None:
        raise v.ValidationError("handoff", "must be null when kind is referral")
