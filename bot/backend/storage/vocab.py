"""The fixed vocabularies shared by the ingest API, the database and the dashboard.

The values the action server sends (routes, risk flags, jurisdictions, triage codes) are
`bot.contract`'s, imported from there; these are the backend's own. Labels are what staff
see; ids are what is stored.
"""

from __future__ import annotations

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
