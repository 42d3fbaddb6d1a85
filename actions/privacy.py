"""Privacy: what is stored and for how long, erasure on request, leaving quickly."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.caselog.case_file import case_file
from actions.referrals import referrals
from actions.settings import Settings
from bot.registry import registry

logger = logging.getLogger(__name__)


class ActionExplainPrivacy(Action):
    """Says what is stored, for how long, who sees it, and how to delete it."""

    def name(self) -> Text:
        """Rasa's hook: the action's name in the domain."""
        return "action_explain_privacy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        """Rasa's hook: explains storage and safeguarding, then offers deletion."""
        settings = Settings.from_env()
        policy = settings.safeguarding_policy_url
        safeguarding = (
            f"If the team believe someone is at serious risk, they may have to share "
            f"information to keep them safe. Their safeguarding policy explains when: {policy}"
            if policy else
            "If the team believe someone is at serious risk, they may have to share "
            "information to keep them safe. You can ask them how they decide that.")
        dispatcher.utter_message(text="\n".join([
            "Here's what happens to what you tell me:",
            "• Stored: the messages in this conversation and the options you chose, "
            "encrypted, and your log if you keep one. Never any images.",
            f"• For how long: {settings.retention_days} days, then deleted automatically.",
            "• Who sees it: nobody, unless you ask for a person. Then the charity's team can "
            "see this conversation and the note and contact details you approve.",
            "• For funders we count which services were suggested, without names or "
            "messages.",
            safeguarding,
        ]))
        dispatcher.utter_message(
            text="You can say \"delete my data\" at any time and I'll erase this "
                 "conversation straight away.",
            buttons=[registry().buttons["delete_data"].as_dict(),
                     registry().buttons["keep_going"].as_dict()])
        return []


class ActionEraseConversation(Action):
    """Erases referrals here; the tracker store erases the conversation when it saves
    the tracker with this action in it (bot/assistant/tracker_store.py)."""

    def name(self) -> Text:
        """Rasa's hook: the action's name in the domain."""
        return "action_erase_conversation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        """Rasa's hook: erases the conversation's referrals and confirms the deletion."""
        referrals().erase(tracker.sender_id)
        case_file().erase(tracker.sender_id)
        logger.info("erasure requested by the person")
        dispatcher.utter_message(text=(
            "Done. I've deleted this conversation, your log and any request you made for "
            "someone to contact you. If you write again, it starts fresh."))
        return []


QUICK_EXIT = {
    "telegram": (
        "Send /clear and I'll delete the messages in this chat. Telegram's auto-delete timer "
        "(in the chat's settings) can remove messages automatically. Deleting the chat from "
        "your chat list also helps if someone might look at your phone."),
    "widget": (
        "Press Exit, or press Shift three times: the chat closes at once, forgets this "
        "conversation on this device, and opens a weather page. It can't clear your "
        "browser history from before you opened the chat, so you may want to use a private "
        "window or clear your history too."),
}
QUICK_EXIT["socketio"] = QUICK_EXIT["widget"]
DEFAULT_QUICK_EXIT = (
    "You can close this window at any time. If someone might check your device, a "
    "private browsing window and clearing your history help.")


class ActionQuickExitHelp(Action):
    """How to leave quickly and hide the chat, for the channel in use."""

    def name(self) -> Text:
        """Rasa's hook: the action's name in the domain."""
        return "action_quick_exit_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        """Rasa's hook: explains quick exit for this channel."""
        dispatcher.utter_message(
            text=QUICK_EXIT.get(context.channel(tracker), DEFAULT_QUICK_EXIT))
        return []
