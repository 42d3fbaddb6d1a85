"""What the person is told when a staff member joins their chat and when they leave it.

A first name (if the staff member gives one) or the role, never an email or surname: the
person needs to know a human is there, not who they are. The emergency number comes from
the directory for the person's country, like every number the assistant gives.
"""

from __future__ import annotations

from bot.directory import cached_directory
from bot.directory.emergency import emergency_number

ROLE_WORDS = {"advisor": "an advisor from the team", "supervisor": "a supervisor from the team",
              "admin": "a member of the team"}
END_TEXT = ("The person from the team has left the chat. You're talking to the automated "
            "assistant again: tell me whatever you need.")


def join_text(role: str, name: str | None, jurisdiction: str | None) -> str:
    """"Sam, an advisor from the team, has joined the chat…" or "An advisor from…"."""
    who = f"{name}, {ROLE_WORDS[role]}," if name else ROLE_WORDS[role]
    emergency = emergency_number(cached_directory(), jurisdiction)
    return (f"{who[0].upper()}{who[1:]} has joined the chat. You're talking to a person "
            f"now. If you're in danger, call {emergency}.")
