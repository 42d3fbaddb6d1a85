"""action_welcome: first contact. What this is, that it's not a person, how data is
handled, how to leave quickly, and whether the person is safe, without making that a gate."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.settings import Settings
from bot.directory import cached_directory
from bot.directory.emergency import emergency_number
from bot.registry import registry

EXIT_HINTS = {
    "telegram": "To remove my messages from this chat, send /clear. Telegram's auto-delete "
                "timer can also remove messages here for you.",
    "widget": "To leave quickly, press Exit or press Shift three times.",
    "socketio": "To leave quickly, press Exit or press Shift three times.",
}
DEFAULT_EXIT_HINT = "You can close this window at any time."



def already_welcomed(tracker: Tracker) -> bool:
    """True when this conversation has had the welcome before."""
    return any(e.get("event") == "action" and e.get("name") == "action_welcome"
               for e in tracker.events[:-1])


class ActionWelcome(Action):
    """First contact: what this is, privacy, quick exit and whether the person is safe."""

    def name(self) -> Text:
        """Rasa's hook: the action's name in the domain."""
        return "action_welcome"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        """Rasa's hook: the full welcome, or a short hello when welcomed before."""
        reg = registry()
        menu = [b.as_dict() for b in reg.menu_buttons()]
        if already_welcomed(tracker):
            dispatcher.utter_message(
                text="Hello again. I'm here. Tell me what's happened, or choose one of these.",
                buttons=menu)
            return []
        settings = Settings.from_env()
        dispatcher.utter_message(text=(
            f"Hi. I'm the automated assistant for {settings.charity_name}, here for anyone "
            "whose intimate images, real or fake, have been made, shared or threatened "
            "without their consent. I'm not a person, but I can help you keep evidence, get "
            "images taken down, find support, or reach someone from the team."))
        dispatcher.utter_message(text=(
            "You don't need to tell me your name, and I never need to see any images. What "
            f"you type is stored encrypted and deleted after {settings.retention_days} days, "
            "or straight away if you say \"delete my data\". "
            + EXIT_HINTS.get(context.channel(tracker), DEFAULT_EXIT_HINT)))
        dispatcher.utter_message(
            text=(f"Are you safe right now? If you're in danger, call "
                  f"{emergency_number(cached_directory(), context.country(tracker))}. "
                  "Otherwise, tell me what's happened in your own words, or choose one of "
                  "these."),
            buttons=[reg.buttons["safe_now"].as_dict(), reg.buttons["not_safe"].as_dict()]
            + menu)
        return []
