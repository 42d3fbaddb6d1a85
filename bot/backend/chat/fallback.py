"""What a person on the widget is told when the assistant cannot answer: never silence.

The wording, the emergency number and the crisis lines come from `bot.directory.emergency`,
as Rasa's and the gateway's do, for the charity's home jurisdiction (the widget does not
know where the person is). The text is built once at start-up: if the directory cannot be
read, the backend does not start, rather than finding out in someone's worst moment.
"""

from __future__ import annotations

from bot.directory import Directory
from bot.directory.emergency import outage_text

OPENING = ("I'm sorry, I can't reply right now because of a technical problem. Please try "
           "again in a few minutes.")
BUSY = ("I'm sorry, a lot of people are talking to me right now, so I couldn't read your "
        "message. Please send it again in a minute.")


def unavailable_text(directory: Directory) -> str:
    """The apology, the emergency number and the crisis lines, as plain text."""
    return outage_text(directory, OPENING)


def busy_text(directory: Directory) -> str:
    """The same, when too many messages are already waiting for the assistant."""
    return outage_text(directory, BUSY)
