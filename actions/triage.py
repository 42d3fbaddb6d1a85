"""validate_triage_form: asks only what the chosen help needs, and never twice."""

from __future__ import annotations

from typing import Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

# What each journey needs to know. Support asks who did it (a partner or ex adds domestic
# abuse services); for under-18s it also asks whether this is them or someone they help.
NEEDS: Dict[str, List[str]] = {
    "evidence": ["age_group"],
    "takedown": ["platforms", "age_group", "country"],
    "hashing": ["age_group"],
    "police": ["country", "age_group"],
    "law": ["country"],
    "support": ["age_group", "country", "perpetrator"],
    "sextortion": ["age_group", "country"],
}


def required_for(journey: str, tracker: Tracker) -> List[str]:
    needed = list(NEEDS.get(journey, ["age_group", "country"]))
    if journey == "support" and tracker.get_slot("age_group") == "under_18":
        needed.insert(1, "role")
    # Anything already known, from an answer or volunteered earlier, is not asked again.
    return [slot for slot in needed if tracker.get_slot(slot) in (None, [], "")]


class ValidateTriageForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_triage_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        return required_for(tracker.get_slot("journey") or "", tracker)
