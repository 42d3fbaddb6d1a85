"""The contract between processes: values that cross a process boundary, written once.

The action server, the Rasa plug-ins, the backend and the Telegram gateway all import
this module (it imports nothing outside the standard library), so a vocabulary can never
mean one thing to the sender and another to the receiver. `tests/test_contract.py` fails
if any other module defines its own copy.
"""

from __future__ import annotations

import os
from typing import Mapping, Optional

# --- where a message came from (message metadata "channel", referral "channel")
CHANNELS = ("rest", "socketio", "telegram", "widget", "other")

# --- jurisdictions: ISO 3166-1 codes, ISO 3166-2 for the UK nations, plus two of our own:
# "GB" (the UK when the nation is not known) and "OTHER" (anywhere the directory has no
# entry for). Every code has an entry in data/directory/jurisdictions.yml.
UK_NATIONS = ("GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR")
JURISDICTIONS = UK_NATIONS + (
    "GB", "IE", "US", "AU", "CA", "NZ", "IN", "PK", "NG", "ZA", "PH", "KE", "OTHER")
UNITED_KINGDOM = "GB"
ELSEWHERE = "OTHER"
# Where a person who has not said where they live is assumed to be: the charity's own
# jurisdiction. The assistant says it assumed this and invites a correction.
DEFAULT_JURISDICTION = UNITED_KINGDOM
HOME_JURISDICTION_VARIABLE = "HOME_JURISDICTION"

# --- the triage fields of a referral
AGE_BANDS = ("under_18", "adult", "unknown")
VICTIM_ROLES = ("self", "helper", "unknown")
SITUATIONS = ("created", "shared", "threatened", "sextortion", "unknown")
PERPETRATORS = ("ex_partner", "partner", "known", "stranger", "unknown")
RISK_FLAGS = ("crisis", "immediate_danger", "under_18", "sextortion")
ROUTES = ("evidence", "takedown", "hashing", "police", "law", "support", "sextortion", "human")
CONTACT_METHODS = ("chat", "email", "phone", "text")
EVENT_KINDS = ("referral", "handoff")

# --- a copy of the person's log: the custom payload key of the action's reply, which holds
# {"token", "filename", "media_type"}; the channel fetches the file with the token from the
# action server's CASE_DOCUMENT_PATH (actions/caselog/document_route.py, bot/case_documents.py)
CASE_DOCUMENT = "case_document"
CASE_DOCUMENT_PATH = "/case-documents/"
CASE_DOCUMENT_TYPES = ("application/pdf",)
# --- a log the person chose to share with the team: the backend reads it (and adds a
# report made for the person) at the action server's CASE_LOG_PATH
# (actions/caselog/staff_route.py, bot/backend/staff/case/shared_log.py)
CASE_LOG_PATH = "/case-logs/"

# --- live takeover: the backend sets this Rasa slot; the TakeoverPolicy reads it
TAKEOVER_SLOT = "human_takeover"
# Bot events the backend adds during a takeover carry {TAKEOVER_KEY: kind, "staff_role": …}.
TAKEOVER_KEY = "takeover"
TAKEOVER_ROLE_KEY = "staff_role"
TAKEOVER_KINDS = ("reply", "join", "end")


def home_jurisdiction(environ: Optional[Mapping[str, str]] = None) -> str:
    """The charity's own jurisdiction, from HOME_JURISDICTION (default the UK).

    Raises ValueError for a code the contract does not know, so a typo stops the process
    at start rather than sending people to the wrong country's services.
    """
    value = (environ if environ is not None else os.environ).get(HOME_JURISDICTION_VARIABLE)
    code = (value or DEFAULT_JURISDICTION).strip()
    if code not in JURISDICTIONS or code == ELSEWHERE:
        raise ValueError(f"{HOME_JURISDICTION_VARIABLE}={code!r} is not one of "
                         f"{', '.join(j for j in JURISDICTIONS if j != ELSEWHERE)}")
    return code
