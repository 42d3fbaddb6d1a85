"""The person's case log in conversation: add, show, change, remove, clear, a copy to keep,
and takedown updates in words ("the reddit one is gone", "it's back").

One thing is asked at a time (case_log_form), everything can be skipped, and every change
is said back with its entry number. Links are kept as text and never opened; an image is
never asked for or kept (actions/caselog/field_rules.py refuses one). The log itself is
actions/caselog/: encrypted at rest, erased with "delete my data" and by the retention purge.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import context
from actions.caselog.case_file import case_file
from actions.caselog.entries import Entry, Place
from actions.caselog.documents import Document
from actions.caselog.export import build_document
from actions.caselog.export_pdf import render_pdf
from actions.caselog.export_text import render_text
from actions.caselog.field_rules import FieldError
from actions.caselog.log_store import EntryNotFound
from actions.caselog.log_store import EntryNotFound, LogFull
from actions.caselog.field_rules import FieldError
from actions.caselog.log_store import EntryNotFound
from actions.caselog.remind_words import parse_request, when_in_words
from actions.caselog.reminders import TooManyReminders
from actions.caselog.status_update import parse_status_update
from actions.settings import Settings
from bot.contract import CASE_DOCUMENT
from bot.directory import cached_directory
from bot.registry import registry

logger = logging.getLogger(__name__)

SKIP = "skip"
KINDS = ("place", "threat", "account", "report", "police")
# What the form asks for each kind of entry, in order.
QUESTIONS: Dict[str, List[str]] = {
    "place": ["log_link", "log_platform", "log_when"],
    "threat": ["log_when", "log_account", "log_platform", "log_demand"],
    "account": ["log_account", "log_platform"],
    "report": ["log_to", "log_when", "log_reference"],
    "police": ["log_force", "log_crime_ref", "log_officer"],
}
FORM_SLOTS = ["log_kind"] + sorted({s for slots in QUESTIONS.values() for s in slots})
KIND_WORDS = {"place": "Place it's posted", "threat": "Threat or message",
              "account": "Account involved", "report": "Report made",
              "police": "Police contact"}
STATUS_WORDS = {"reported": "reported", "removed": "removed", "still_up": "still up",
                "refused": "report refused", "not_reported": "not reported yet"}
_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
REMINDER_REFUSED = {
    "too_far_ahead": "I can set a reminder up to 90 days ahead. Could you pick a sooner time?",
    "in_the_past": "That time has already passed. When should I remind you?",
    "empty": "What should I remind you about? Say it like \"remind me in two days to check "
             "the reddit post\".",
}
REASONS = {
    "image": "that looks like an image, and I never keep images. The link or a few words "
             "saying where it is are what help",
    "too_long": "that's longer than I can keep here",
    "not_a_link": "that doesn't look like a web address",
    "in_the_future": "that date is in the future",
}


def buttons(*keys: str) -> List[Dict[str, str]]:
    """The registry's buttons by key (every button the actions offer is in the registry)."""
    return [registry().buttons[key].as_dict() for key in keys]


NEXT = ("show_log", "add_to_log", "copy_of_log")
# Where each channel puts a copy of the log (its single-use token travels in the custom
# payload bot.contract.CASE_DOCUMENT; the channel fetches the file itself).
AS_TEXT = re.compile(r"\b(as|in) (plain )?text\b", re.IGNORECASE)
DOCUMENT_WHERE = {
    "telegram": " It's the file below; /clear deletes it from this chat with the rest.",
    "widget": " Use the download button below: it works once, for the next 10 minutes.",
}


def parse_when(text: str, today: dt.date) -> Optional[dt.date]:
    """A day from how people say it: today, yesterday, 3 days ago, 3 December, 3/12."""
    said = text.strip().lower()
    if said in ("today", "tonight", "this morning", "earlier", "just now"):
        return today
    if said in ("yesterday", "last night"):
        return today - dt.timedelta(days=1)
    match = re.match(r"^(\d{1,2}|a|one|two|three|four|five|six) (day|days|week|weeks) ago$", said)
    if match:
        words = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
        n = int(match.group(1)) if match.group(1).isdigit() else words[match.group(1)]
        return today - dt.timedelta(days=n * (7 if match.group(2).startswith("week") else 1))
    match = (re.match(r"^(\d{1,2})(?:st|nd|rd|th)? ([a-z]{3})[a-z]*(?: (\d{4}))?$", said)
             or re.match(r"^([a-z]{3})[a-z]* (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?$", said))
    if match:
        day, month = ((match.group(1), match.group(2)) if match.group(1).isdigit()
                      else (match.group(2), match.group(1)))
        return _day(int(match.group(3) or today.year), _MONTHS.get(month[:3]), int(day), today)
    match = re.match(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?$", said)
    if match:  # day/month, as written in the UK and most places
        year = int(match.group(3)) if match.group(3) else today.year
        return _day(year + 2000 if year < 100 else year, int(match.group(2)),
                    int(match.group(1)), today)
    try:
        return dt.date.fromisoformat(said)
    except ValueError:
        return None


def _day(year: int, month: Optional[int], day: int, today: dt.date) -> Optional[dt.date]:
    try:
        when = dt.date(year, month or 0, day)
    except ValueError:
        return None
    # "3 December" said in January means last December.
    return when.replace(year=year - 1) if when > today and year == today.year else when


def values_for(kind: str, slots: Dict[str, Any], today: dt.date) -> Dict[str, Any]:
    """The log entry's fields from the form's answers (skipped ones left out)."""
    said = {k: v for k, v in slots.items() if v not in (None, "", SKIP)}
    directory = cached_directory()
    platform = directory.platform(str(said.get("log_platform", "")))
    when = parse_when(str(said["log_when"]), today) if "log_when" in said else None
    link = str(said.get("log_link", ""))
    account = str(said.get("log_account", ""))
    to = str(said.get("log_to", ""))
    values: Dict[str, Any] = {
        "place": {"link": link if _URL.match(link) else None,
                  "description": None if _URL.match(link) else link or None,
                  "platform": platform.id if platform else None, "found_at": when},
        "threat": {"at": when, "account": account or None,
                   "platform": platform.id if platform else None,
                   "demand": said.get("log_demand")},
        "account": {"username": None if _URL.match(account) else account or None,
                    "profile_link": account if _URL.match(account) else None,
                    "platform": platform.id if platform else None},
        "report": {"to": to or None, "at": when, "reference": said.get("log_reference"),
                   "platform": (directory.platform(to).id if directory.platform(to)
                                else None)},
        "police": {"force": said.get("log_force"), "crime_reference": said.get("log_crime_ref"),
                   "officer": said.get("log_officer")},
    }[kind]
    return {k: v for k, v in values.items() if v not in (None, "")}


def reported_place(entries: List[Entry], report: Dict[str, Any]) -> Dict[str, Any]:
    """The place a report is about, when the log makes it plain: the only place on the
    platform reported to, or the only place at all. Its takedown clock starts then."""
    places = [e for e in entries if isinstance(e.record, Place)]
    if report.get("platform"):
        places = [e for e in places if e.record.platform == report["platform"]]
    return {"place": places[0].number} if len(places) == 1 else {}


def describe(entry: Entry) -> str:
    """One line for an entry: what it is, its main facts, a place's status."""
    record = entry.record
    directory = cached_directory()
    parts = [KIND_WORDS[entry.kind]]
    platform = getattr(record, "platform", None)
    if platform and directory.platform(platform):
        parts.append(directory.platform(platform).name)
    for field in ("link", "description", "username", "profile_link", "account", "to",
                  "reference", "force", "crime_reference", "officer", "demand"):
        value = getattr(record, field, None)
        if value:
            parts.append(str(value))
    for field in ("found_at", "at"):
        value = getattr(record, field, None)
        if value:
            parts.append(f"on {value:%d %b %Y}")
    if getattr(record, "made_by", None) == "team":
        parts.append("added by the team, for you")
    if isinstance(record, Place):
        parts.append(STATUS_WORDS.get(record.status, record.status))
        if record.reupload_of:
            parts.append(f"re-upload of entry {record.reupload_of}")
    return f"{entry.number}. " + " · ".join(parts)


def listing(entries: List[Entry]) -> str:
    """The whole log, one entry a line (one message: no blank lines)."""
    return "\n".join(describe(e) for e in entries)


class ValidateCaseLogForm(FormValidationAction):
    """Asks only the questions for the kind of entry chosen, each one skippable."""

    def name(self) -> Text:
        """Rasa's hook: the form's validation action."""
        return "validate_case_log_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        """Rasa's hook: the kind first, then that kind's questions."""
        kind = tracker.get_slot("log_kind")
        return ["log_kind"] + (QUESTIONS[kind] if kind in QUESTIONS else [])

    def validate_log_link(self, value: Any, dispatcher: CollectingDispatcher,
                          tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """Rasa's hook: a link or a description, never an image."""
        return self._checked("log_link", value, dispatcher)

    def validate_log_demand(self, value: Any, dispatcher: CollectingDispatcher,
                            tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """Rasa's hook: what was demanded, in the person's words."""
        return self._checked("log_demand", value, dispatcher)

    @staticmethod
    def _checked(slot: str, value: Any, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        from actions.caselog.field_rules import looks_like_an_image
        if isinstance(value, str) and looks_like_an_image(value):
            dispatcher.utter_message(response="utter_no_images_short")
            return {slot: None}
        return {slot: value}


class ActionCaseLogSave(Action):
    """Adds the entry the form collected, and says its number."""

    def name(self) -> Text:
        """Rasa's hook: runs when the case log form is done."""
        return "action_case_log_save"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        """Rasa's hook: saves the entry (or says kindly why it could not)."""
        reset = [SlotSet(slot, None) for slot in FORM_SLOTS + ["log_action"]]
        kind = tracker.get_slot("log_kind")
        if kind not in QUESTIONS:
            return reset
        today = dt.datetime.now(dt.timezone.utc).date()
        values = values_for(kind, {s: tracker.get_slot(s) for s in QUESTIONS[kind]}, today)
        if kind == "report":
            values.update(reported_place(case_file().log.entries(tracker.sender_id), values))
        try:
            entry = case_file().log.add(tracker.sender_id, kind, values)
        except FieldError as error:
            dispatcher.utter_message(text="I couldn't add that: " + REASONS.get(
                error.reason, "one of the answers isn't something I can keep") + ".",
                buttons=buttons("add_to_log"))
            return reset
        except LogFull:
            dispatcher.utter_message(text="Your log is full. You can get a copy, then clear "
                                          "it or remove some entries.", buttons=buttons(*NEXT))
            return reset
        logger.info("case log entry added")
        dispatcher.utter_message(text=f"Added to your log as entry {entry.number}:\n"
                                      f"{describe(entry)}", buttons=buttons(*NEXT))
        return reset


class ActionCaseLog(Action):
    """Everything else about the log: show, change, remove, clear, a copy, updates."""

    def name(self) -> Text:
        """Rasa's hook: answers a request about the case log."""
        return "action_case_log"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        """Rasa's hook: dispatches on the `log_action` the message carries."""
        message = tracker.latest_message
        entities = {e.get("entity"): e.get("value") for e in message.get("entities") or []}
        if not entities.get("log_action") and entities.get("log_kind") not in QUESTIONS:
            # The classifier's guess with nothing about the log in the words ("I want them
            # taken down off twitter"): it is a request like any other, answered first.
            from actions.answer.action import ActionAnswer
            return await ActionAnswer().run(dispatcher, tracker, domain)
        if entities.get("log_kind") in QUESTIONS and not entities.get("log_action"):
            # A kind's button pressed (or typed) outside the form: add one of that kind.
            from rasa_sdk.events import FollowupAction
            return [SlotSet("log_kind", entities["log_kind"]), FollowupAction("case_log_form")]
        named = [e.get("value") for e in message.get("entities") or []
                 if e.get("entity") == "log_action"]
        # "Remind me in 3 days to check my log" names showing the log too: the request is
        # the reminder (and "stop reminders" beats both).
        action = next((a for a in ("stop_reminders", "unshare", "remind") if a in named),
                      named[0] if named else "show")
        number = entities.get("log_entry")
        if action == "status" and _escalation_named(message):
            return await self.turned_down(dispatcher, tracker, domain, number, entities)
        handler = getattr(self, f"do_{action}", self.do_show)
        events = handler(dispatcher, tracker, number, entities)
        starts_form = any(e.get("name") == "case_log_form" for e in events)
        return events + [SlotSet("log_action", None)] + (
            [] if starts_form else [SlotSet("log_kind", None)])

    async def turned_down(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: Dict[Text, Any], number: Any,
                          entities: Dict[str, Any]) -> List[EventType]:
        """"They said it doesn't break their rules": the place it means is marked refused
        when the log has one, and either way the person hears where to take it next."""
        from actions.answer.action import ActionAnswer
        update = parse_status_update(tracker.latest_message.get("text") or "",
                                     case_file().log.entries(tracker.sender_id),
                                     cached_directory())
        events = self.do_status(dispatcher, tracker, number, entities) \
            if update and not update.reupload else []
        return events + [SlotSet("log_action", None)] + await ActionAnswer().run(
            dispatcher, tracker, domain, log_done=True)

    def do_add(self, dispatcher: CollectingDispatcher, tracker: Tracker, number: Any,
               entities: Dict[str, Any]) -> List[EventType]:
        """Starts the form that asks for one entry."""
        from rasa_sdk.events import FollowupAction
        return [FollowupAction("case_log_form")]

    def do_show(self, dispatcher: CollectingDispatcher, tracker: Tracker, number: Any,
                entities: Dict[str, Any]) -> List[EventType]:
        """The log, numbered."""
        entries = case_file().log.entries(tracker.sender_id)
        if not entries:
            dispatcher.utter_message(
                text="Your log is empty. You can add the places it's posted, threats, the "
                     "accounts involved, the reports you make and police contacts: the things "
                     "the police and helplines ask for. Never the images.",
                buttons=buttons("add_to_log"))
            return []
        dispatcher.utter_message(text="Your log:\n" + listing(entries) + "\n\nTo change or "
                                 "remove one, say \"change entry 2\" or \"remove entry 2\"."
                                 .replace("\n\n", "\n"), buttons=buttons(*NEXT))
        return []

    def do_remove(self, dispatcher: CollectingDispatcher, tracker: Tracker, number: Any,
                  entities: Dict[str, Any]) -> List[EventType]:
        """Removes one entry, saying which."""
        if number is None:
            dispatcher.utter_message(text="Which entry? Say, for example, \"remove entry 2\".")
            return self.do_show(dispatcher, tracker, None, entities)
        try:
            gone = case_file().log.remove(tracker.sender_id, int(number))
        except EntryNotFound:
            dispatcher.utter_message(text=f"There's no entry {number} in your log.")
            return self.do_show(dispatcher, tracker, None, entities)
        dispatcher.utter_message(text=f"Removed entry {gone.number}.", buttons=buttons(*NEXT))
        return []

    def do_change(self, dispatcher: CollectingDispatcher, tracker: Tracker, number: Any,
                  entities: Dict[str, Any]) -> List[EventType]:
        """Changing an entry: remove it and add it again, the simplest thing to explain."""
        if number is None:
            dispatcher.utter_message(text="Which entry? Say, for example, \"change entry 2\".")
            return []
        try:
            entry = case_file().log.entry(tracker.sender_id, int(number))
        except EntryNotFound:
            dispatcher.utter_message(text=f"There's no entry {number} in your log.")
            return []
        dispatcher.utter_message(
            text=f"Entry {entry.number} says:\n{describe(entry)}\nTo change it, I'll remove it "
                 "and ask for it again, one thing at a time. Shall I?",
            buttons=buttons("change_entry", "keep_log"))
        return [SlotSet("log_entry", entry.number)]

    def do_replace(self, dispatcher: CollectingDispatcher, tracker: Tracker, number: Any,
                   entities: Dict[str, Any]) -> List[EventType]:
        """Removes the entry and asks for it again, one question at a time."""
        from rasa_sdk.events import FollowupAction
        number = number if number is not None else tracker.get_slot("log_entry")
        try:
            entry = case_file().log.remove(tracker.sender_id, int(number))
        except (EntryNotFound, TypeError, ValueError):
            dispatcher.utter_message(text="I couldn't find that entry.")
            return []
        dispatcher.utter_message(text=f"Removed entry {entry.number}. Now the new one:")
        return [SlotSet("log_entry", None), SlotSet("log_kind", entry.kind),
                FollowupAction("case_log_form")]

    def do_clear(self, dispatcher: CollectingDispatcher, tracker: Tracker, number: Any,
                 entities: Dict[str, Any]) -> List[EventType]:
        """Asks before clearing everything."""
        dispatcher.utter_message(
            text="Clear every entry from your log? This can't be undone. You might want a "
                 "copy first.",
            buttons=buttons("clear_log", "copy_of_log", "keep_log"))
        return []

    def do_clear_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                           number: Any, entities: Dict[str, Any]) -> List[EventType]:
        """Clears the log, saying how many entries went."""
        count = case_file().log.clear(tracker.sender_id)
        dispatcher.utter_message(text=f"Done: I've cleared your log ({count} entries).",
                                 buttons=buttons("add_to_log"))
        return []

    def do_export(self, dispatcher: CollectingDispatcher, tracker: Tracker, number: Any,
                  entities: Dict[str, Any]) -> List[EventType]:
        """A copy to keep (no images, no intimate descriptions): a PDF sent in the chat on
        Telegram, a download on the widget, text where neither can be made."""
        entries = case_file().log.entries(tracker.sender_id)
        if not entries:
            return self.do_show(dispatcher, tracker, None, entities)
        if AS_TEXT.search(tracker.latest_message.get("text") or ""):
            return self.do_export_text(dispatcher, tracker, number, entities)
        now = dt.datetime.now(dt.timezone.utc)
        document = build_document(entries, cached_directory(), Settings.from_env().charity_name,
                                  now)
        token = self.keep_pdf(tracker, document, now)
        if token is None:
            return self.do_export_text(dispatcher, tracker, number, entities)
        dispatcher.utter_message(
            text="Here is a copy of your log as a PDF, with no images in it. Keep it "
                 "somewhere safe (protected by a password), or give it to the police, a "
                 "solicitor or a helpline." + DOCUMENT_WHERE.get(context.channel(tracker), ""),
            buttons=buttons("copy_as_text", "show_log"))
        dispatcher.utter_message(json_message={CASE_DOCUMENT: {
            "token": token, "filename": f"case-log-{now:%Y-%m-%d}.pdf",
            "media_type": "application/pdf"}})
        logger.info("case log copy made for download")
        return []

    @staticmethod
    def keep_pdf(tracker: Tracker, document: Any, now: dt.datetime) -> Optional[str]:
        """The PDF kept for its channel to fetch once; None where the channel cannot take
        a file or the action server has no CASE_DOCUMENT_TOKEN to give it with."""
        if context.channel(tracker) not in DOCUMENT_WHERE or \
                not Settings.from_env().document_token:
            return None
        content = render_pdf(document)
        return case_file().documents.keep(tracker.sender_id, Document(
            f"case-log-{now:%Y-%m-%d}.pdf", "application/pdf", content))

    def do_export_text(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                       number: Any, entities: Dict[str, Any]) -> List[EventType]:
        """The copy as text in the chat, to copy wherever the person likes."""
        entries = case_file().log.entries(tracker.sender_id)
        if not entries:
            return self.do_show(dispatcher, tracker, None, entities)
        document = build_document(entries, cached_directory(), Settings.from_env().charity_name,
                                  dt.datetime.now(dt.timezone.utc))
        text = re.sub(r"\n{2,}", "\n", render_text(document))
        dispatcher.utter_message(text="Here is a copy of your log. Copy it somewhere safe "
                                      "(protected by a password), or show it to the police, "
                                      "a solicitor or a helpline:")
        dispatcher.utter_message(text=text, buttons=buttons(*NEXT))
        logger.info("case log copy given")
        return []

    def do_status(self, dispatcher: CollectingDispatcher, tracker: Tracker, number: Any,
                  entities: Dict[str, Any]) -> List[EventType]:
        """"The reddit one is gone", "it's back": updates the place it means."""
        log = case_file().log
        entries = log.entries(tracker.sender_id)
        update = parse_status_update(tracker.latest_message.get("text") or "", entries,
                                     cached_directory())
        if update is None:
            dispatcher.utter_message(text="Which one do you mean? Here's your log:")
            return self.do_show(dispatcher, tracker, None, entities)
        if update.reupload:
            original = log.entry(tracker.sender_id, update.place).record
            entry = log.add(tracker.sender_id, "place",
                            {"platform": getattr(original, "platform", None),
                             "reupload_of": update.place})
            dispatcher.utter_message(text=(
                f"I've added it to your log as entry {entry.number}, a re-upload of entry "
                f"{update.place}. Report it again straight away; if you were 18 or over in it, "
                "StopNCII can also stop copies being shared on its partner sites."),
                buttons=buttons("takedown_again", "show_log"))
            return []
        entry = log.change(tracker.sender_id, update.place, "status", update.status)
        dispatcher.utter_message(text=f"Updated entry {entry.number}: "
                                      f"{STATUS_WORDS.get(update.status, update.status)}.",
                                 buttons=buttons(*NEXT))
        return []

    def do_remind(self, dispatcher: CollectingDispatcher, tracker: Tracker, number: Any,
                  entities: Dict[str, Any]) -> List[EventType]:
        """"Remind me in two days to check the reddit post": kept durably, on Telegram only
        (a web page cannot be reached once it is closed), never more than was asked."""
        if context.channel(tracker) != "telegram":
            dispatcher.utter_message(
                text="I can only send reminders on Telegram: this page can't reach you once "
                     "it's closed. Your log keeps the date of each report, so you can check "
                     "back here any time.", buttons=buttons(*NEXT))
            return []
        now = dt.datetime.now(dt.timezone.utc)
        wanted = parse_request(tracker.latest_message.get("text") or "", now)
        if wanted.due_at is None:
            dispatcher.utter_message(
                text="When should I remind you? Say it with the time, like \"remind me in "
                     "two days to check the reddit post\" or \"remind me on Monday\".")
            return []
        entries = case_file().log.entries(tracker.sender_id)
        entry = number if number is not None else about_entry(wanted.text or "", entries)
        try:
            case_file().reminders.add(tracker.sender_id, wanted.due_at, entry=entry,
                                      text=wanted.text or (None if entry else "check your log"))
        except TooManyReminders:
            dispatcher.utter_message(text="You already have as many reminders as I can keep. "
                                          "Say \"stop reminders\" to cancel them.")
            return []
        except FieldError as error:
            dispatcher.utter_message(text=REMINDER_REFUSED.get(error.reason,
                                                               REMINDER_REFUSED["empty"]))
            return []
        about = f" to {wanted.text}" if wanted.text else (f" about entry {entry}" if entry else "")
        dispatcher.utter_message(
            text=f"I'll remind you{about} {when_in_words(wanted.due_at, now)}, here in this "
                 "chat. Say \"stop reminders\" to cancel; /clear and /delete cancel them too.",
            buttons=buttons(*NEXT))
        logger.info("a reminder was set")
        return []

    def do_share(self, dispatcher: CollectingDispatcher, tracker: Tracker, number: Any,
                 entities: Dict[str, Any]) -> List[EventType]:
        """The person lets the team read their log (and add reports made for them)."""
        if not case_file().log.entries(tracker.sender_id):
            dispatcher.utter_message(text="Your log is empty, so there's nothing to share yet.",
                                     buttons=buttons("add_to_log"))
            return []
        case_file().sharing.share(tracker.sender_id)
        dispatcher.utter_message(
            text="Done: the team can now read your log. They can't change what you wrote, "
                 "but they can add a report they make for you, marked as theirs. Say \"stop "
                 "sharing my log\" any time.", buttons=buttons("show_log"))
        logger.info("a log was shared with the team")
        return []

    def do_unshare(self, dispatcher: CollectingDispatcher, tracker: Tracker, number: Any,
                   entities: Dict[str, Any]) -> List[EventType]:
        """The person keeps (or makes) their log private again."""
        case_file().sharing.withdraw(tracker.sender_id)
        dispatcher.utter_message(text="Your log is private: only you can see it here.",
                                 buttons=buttons(*NEXT))
        return []

    def do_stop_reminders(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                          number: Any, entities: Dict[str, Any]) -> List[EventType]:
        """Cancels every reminder of the conversation."""
        count = case_file().reminders.cancel_all(tracker.sender_id)
        dispatcher.utter_message(text=("I've cancelled your reminders." if count else
                                       "You don't have any reminders."))
        return []


def _escalation_named(message: Dict[str, Any]) -> bool:
    """The message says a report was turned down (the "escalate" topic)."""
    return any(e.get("entity") == "topic" and e.get("value") == "escalate"
               for e in message.get("entities") or [])


def about_entry(text: str, entries: List[Entry]) -> Optional[int]:
    """The place a reminder's words name by its platform or its site ("the reddit post"
    for a place on reddit, or at reddit.com/...), if one."""
    directory = cached_directory()
    words = set(re.findall(r"[a-z0-9]+", text.lower()))
    found = []
    for entry in entries:
        if entry.kind != "place":
            continue
        names = set()
        if entry.record.platform:
            names.add(entry.record.platform)
            names.update(directory.platform(entry.record.platform).aliases)
        site = re.match(r"(?:https?://)?(?:www\.)?([a-z0-9-]+)\.", entry.record.link or "", re.I)
        if site:
            names.add(site.group(1).lower())
        if words & names:
            found.append(entry.number)
    return found[-1] if found else None


class ActionCaseReminder(Action):
    """A reminder the person asked for, as the assistant's own message (triggered through
    Rasa's trigger-intent API by the backend when it is due; see reminder_runner.py)."""

    def name(self) -> Text:
        """Rasa's hook: answers the EXTERNAL_case_reminder intent."""
        return "action_case_reminder"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        """Rasa's hook: "You asked me to remind you: ...", with the entry's status."""
        found = {e.get("entity"): e.get("value")
                 for e in tracker.latest_message.get("entities") or []}
        text = found.get("reminder_text")
        lines = ["You asked me to remind you" + (f": {text}." if text else ".")]
        entry_number = found.get("log_entry")
        if entry_number is not None:
            try:
                entry = case_file().log.entry(tracker.sender_id, int(entry_number))
                lines.append(f"Entry {entry.number}: {describe(entry)}.")
            except (EntryNotFound, ValueError, TypeError):
                pass  # removed since: the reminder's own words are enough
        note = overdue_note(tracker, [])
        if note is not None:
            lines.append(note[0])
        lines.append("If it's still up, tell me (\"the reddit one is still up\"); if it's "
                     "gone, tell me that too.")
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons("show_log"))
        return []


def overdue_note(tracker: Tracker, told: List[int]) -> Optional[tuple]:
    """A line for a report past its time limit not yet mentioned: (text, place numbers)."""
    from actions.caselog.tracking import overdue_reports
    from actions.answer.words import service_line
    directory = cached_directory()
    try:
        entries = case_file().log.entries(tracker.sender_id)
    except Exception:  # the log must never stop an answer
        logger.warning("case log unavailable for the overdue check")
        return None
    overdue = [o for o in overdue_reports(entries, directory, context.country(tracker),
                                           dt.datetime.now(dt.timezone.utc),
                                           context.person(tracker))
               if o.confirmed and o.place.number not in told and o.escalation]
    if not overdue:
        return None
    first = overdue[0]
    text = (f"Your report about entry {first.place.number} has passed its time limit and it is "
            "still up. You can escalate it:\n"
            + "\n".join(f"   {service_line(service)}" for service in first.escalation))
    return text, [o.place.number for o in overdue]
