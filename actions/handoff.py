"""Talk to a person: consent, a safe contact method and time, a note the person approves,
then a handoff recorded for the charity's team (warm handoff: they never retell it)."""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import context
from actions.referrals import referrals
from actions.settings import Settings
from bot.directory import cached_directory
from bot.directory.emergency import emergency_number
from bot.registry import registry

logger = logging.getLogger(__name__)

HANDOFF_SLOTS = ("handoff_consent", "handoff_contact_method", "handoff_contact_details",
                 "handoff_safe_time", "handoff_summary", "handoff_confirmed")
NEEDS_DETAILS = ("email", "phone", "text")
MAX_SUMMARY = 1000
MAX_SHORT = 200

_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_PHONE_CHARS = re.compile(r"^\+?[\d\s().-]{7,20}$")

METHOD_WORDS = {"chat": "here in this chat", "email": "by email", "phone": "by phone call",
                "text": "by text message"}


def clean_email(value: str) -> Optional[str]:
    """The address without spaces or angle brackets, or None if it is not one."""
    value = value.strip().strip("<>").strip()
    return value if _EMAIL.match(value) else None


def clean_phone(value: str) -> Optional[str]:
    """The number as typed if it looks like a phone number (7 to 15 digits), else None."""
    value = value.strip()
    digits = re.sub(r"\D", "", value)
    return value if _PHONE_CHARS.match(value) and 7 <= len(digits) <= 15 else None


def _text(value: Any) -> str:
    return value.replace("\x00", "").strip() if isinstance(value, str) else ""


class ValidateHandoffForm(FormValidationAction):
    """Checks the handoff form's answers as the person gives them."""

    def name(self) -> Text:
        """Rasa's hook: the form validation action's name in the domain."""
        return "validate_handoff_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        """Rasa's hook: no slots once consent is refused; no contact details when the team
        replies in the chat."""
        if tracker.get_slot("handoff_consent") is False:
            return []  # the form ends; action_submit_handoff says nothing was passed on
        slots = list(HANDOFF_SLOTS)
        if tracker.get_slot("handoff_contact_method") == "chat":
            slots.remove("handoff_contact_details")
        return slots

    def validate_handoff_contact_details(self, value: Any, dispatcher: CollectingDispatcher,
                                         tracker: Tracker, domain: DomainDict
                                         ) -> Dict[Text, Any]:
        """Rasa's hook: keeps a valid email or phone number, else asks again or offers the chat."""
        method = tracker.get_slot("handoff_contact_method")
        text = _text(value)
        cleaned = clean_email(text) if method == "email" else clean_phone(text)
        if cleaned:
            return {"handoff_contact_details": cleaned}
        what = "an email address" if method == "email" else "a phone number"
        dispatcher.utter_message(
            text=f"That doesn't look like {what}. Could you check it? Or choose another way "
                 "to be contacted.",
            buttons=[registry().buttons["chat_contact"].as_dict()])
        return {"handoff_contact_details": None}

    def validate_handoff_contact_method(self, value: Any, dispatcher: CollectingDispatcher,
                                        tracker: Tracker, domain: DomainDict
                                        ) -> Dict[Text, Any]:
        """Rasa's hook: takes the chosen way to be contacted."""
        # Changing method drops details given for the old one.
        return {"handoff_contact_method": value, "handoff_contact_details": None}

    def validate_handoff_safe_time(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """Rasa's hook: keeps the safe time as plain text, cut to a short length."""
        text = _text(value)[:MAX_SHORT]
        return {"handoff_safe_time": text or None}

    def validate_handoff_summary(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """Rasa's hook: keeps the note, or asks for a shorter one over the limit."""
        text = _text(value)
        if len(text) > MAX_SUMMARY:
            dispatcher.utter_message(
                text=f"That's a little long for a note (the limit is {MAX_SUMMARY} "
                     "characters). Could you shorten it to a few sentences?")
            return {"handoff_summary": None}
        return {"handoff_summary": text or None}


def summary_lines(tracker: Tracker) -> List[str]:
    """The note, contact method and safe time, as the person will approve them."""
    method = tracker.get_slot("handoff_contact_method") or "chat"
    details = tracker.get_slot("handoff_contact_details")
    contact = METHOD_WORDS.get(method, method) + (f" ({details})" if details else "")
    return [
        f"• Your note: {tracker.get_slot('handoff_summary')}",
        f"• How to contact you: {contact}",
        f"• When it's safe: {tracker.get_slot('handoff_safe_time')}",
    ]


class ActionAskHandoffConfirmed(Action):
    """Shows the person what will be sent and asks before sending."""

    def name(self) -> Text:
        """Rasa's hook: the action's name in the domain."""
        return "action_ask_handoff_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        """Rasa's hook: shows the note to send with send and don't-send buttons."""
        dispatcher.utter_message(
            text="\n".join(["Here's what I'll send to the team:"] + summary_lines(tracker)
                           + ["They'll also see the options you chose here. Shall I send it?"]),
            buttons=[registry().buttons["send_note"].as_dict(),
                     registry().buttons["do_not_send"].as_dict()])
        return []


class ActionSubmitHandoff(Action):
    """Passes an approved handoff to the team, or says nothing was sent."""

    def name(self) -> Text:
        """Rasa's hook: the action's name in the domain."""
        return "action_submit_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        """Rasa's hook: records a consented, confirmed handoff; always clears the form's slots."""
        reset = [SlotSet(slot, None) for slot in HANDOFF_SLOTS]
        if tracker.get_slot("handoff_consent") is not True:
            dispatcher.utter_message(response="utter_handoff_declined")
            return reset
        if tracker.get_slot("handoff_confirmed") is not True:
            dispatcher.utter_message(response="utter_handoff_not_sent")
            return reset
        method = tracker.get_slot("handoff_contact_method") or "chat"
        handoff = {
            "summary": _text(tracker.get_slot("handoff_summary"))[:MAX_SUMMARY],
            "contact_method": method,
            "contact_details": tracker.get_slot("handoff_contact_details"),
            "safe_time": _text(tracker.get_slot("handoff_safe_time"))[:MAX_SHORT],
        }
        routes = sorted(set(tracker.get_slot("routes_offered") or []) | {"human"})
        referrals().record(
            "handoff", tracker.sender_id, context.channel(tracker), context.triage(tracker),
            context.risk_flags(tracker), routes, tracker.get_slot("services_offered") or [],
            context.known_platforms(tracker), handoff=handoff)
        logger.info("handoff recorded")
        settings = Settings.from_env()
        hours = (f" The team works {settings.team_hours}." if settings.team_hours else "")
        dispatcher.utter_message(text=(
            "Thank you. I've passed your note to the team. Someone will contact you "
            f"{METHOD_WORDS.get(method, '')} at the time you chose.{hours}"))
        dispatcher.utter_message(text=(
            "If you're in danger before then, call "
            f"{emergency_number(cached_directory(), context.country(tracker))}. "
            "If you change your mind, just say \"cancel my request\"."))
        offer_log(dispatcher, tracker)
        return reset + [SlotSet("routes_offered", routes)]


class ActionCancelHandoff(Action):
    """Withdraws a request to be contacted, at the person's word."""

    def name(self) -> Text:
        """Rasa's hook: the action's name in the domain."""
        return "action_cancel_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        """Rasa's hook: withdraws the handoff from the team, if one was made."""
        if "human" not in (tracker.get_slot("routes_offered") or []):
            dispatcher.utter_message(text=(
                "You haven't asked for anyone to contact you, so there's nothing to cancel. "
                "You can ask for a person at any time."))
            return []
        referrals().withdraw(tracker.sender_id)
        logger.info("handoff withdrawn by the person")
        dispatcher.utter_message(text=(
            "I've cancelled your request. Nobody from the team will contact you about it. "
            "You can ask again at any time."))
        routes = [r for r in tracker.get_slot("routes_offered") or [] if r != "human"]
        return [SlotSet("routes_offered", routes)]


def offer_log(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A person with a log may let the team read it: asked once, here, never assumed."""
    from actions.caselog.case_file import case_file
    try:
        has_log = bool(case_file().log.entries(tracker.sender_id))
    except Exception:  # the log must never stop a handoff
        logger.warning("case log unavailable when offering to share it")
        return
    if has_log:
        dispatcher.utter_message(
            text="You have a log here. Would you like the team to be able to read it? It "
                 "saves telling it all again. They can't change what you wrote.",
            buttons=[registry().buttons[key].as_dict()
                     for key in ("share_log", "keep_log_private")])
