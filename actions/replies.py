"""A reply: the messages to send and what was offered, for the referral record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from rasa_sdk.executor import CollectingDispatcher

Button = Dict[str, str]


@dataclass
class Reply:
    """What to send, and the route and services it offered, for the referral record."""

    route: str
    messages: List[str] = field(default_factory=list)
    buttons: List[Button] = field(default_factory=list)
    services: List[str] = field(default_factory=list)
    platforms: List[str] = field(default_factory=list)

    def say(self, text: Optional[str]) -> "Reply":
        """Adds a message; empty text adds nothing."""
        if text:
            self.messages.append(text.strip())
        return self

    def offer(self, service_ids: Sequence[str]) -> "Reply":
        """Notes services as offered, each once."""
        self.services.extend(s for s in service_ids if s not in self.services)
        return self

    def send(self, dispatcher: CollectingDispatcher) -> None:
        """Short messages; the buttons go with the last one."""
        for i, text in enumerate(self.messages):
            last = i == len(self.messages) - 1
            dispatcher.utter_message(text=text, buttons=self.buttons if last else [])
