"""The fixed vocabularies shared by the ingest API, the database and the dashboard.

These values are part of the contract with the action server: adding one is a change to
both sides. Labels are what staff see; ids are what is stored.
"""

from __future__ import annotations

CHANNELS = ("rest", "socketio", "telegram", "widget", "other")
JURISDICTIONS = ("GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR", "GB", "IE", "US", "AU", "CA", "OTHER")
AGE_BANDS = ("under_18", "adult", "unknown")
VICTIM_ROLES = ("self", "helper", "unknown")
SITUATIONS = ("created", "shared", "threatened", "sextortion", "unknown")
PERPETRATORS = ("ex_partner", "partner", "known", "stranger", "unknown")
RISK_FLAGS = ("crisis", "immediate_danger", "under_18", "sextortion")
ROUTES = ("evidence", "takedown", "hashing", "police", "law", "support", "sextortion", "human")
CONTACT_METHODS = ("chat", "email", "phone", "text")
EVENT_KINDS = ("referral", "handoff")

STAFF_ROLES = ("advisor", "supervisor", "admin")
SUPERVISOR_ROLES = frozenset({"supervisor", "admin"})

STATUS_LABELS = {
    "new": "New",
    "claimed": "Claimed",
    "in_progress": "In progress",
    "resolved": "Resolved",
    "withdrawn": "Withdrawn by the victim",
}
OPEN_STATUSES = ("new", "claimed", "in_progress")

# What came of a handoff: the figures funders ask for (help given, takedowns achieved).
OUTCOME_LABELS = {
    "advice_given": "Advice and support given",
    "takedown_achieved": "Takedown achieved",
    "takedown_requested": "Takedown requested, not yet confirmed",
    "referred_on": "Referred to another service",
    "police_report": "Helped to report to the police",
    "safeguarding_referral": "Safeguarding referral made",
    "no_contact": "Could not make safe contact",
    "declined": "Victim declined further help",
}
# "withdrawn" is counted with the outcomes but is the victim's action, not an outcome staff pick.
WITHDRAWN = "withdrawn"
