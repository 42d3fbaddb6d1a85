"""What the gateway says itself, when the assistant cannot or should not be asked.

Everything else a person reads comes from the assistant. Numbers are never written here:
the apology for a failure is worded once for every process (`bot.directory.emergency`).
"""

from __future__ import annotations

from bot.directory.emergency import outage_text
from bot.directory.directory import Directory

EMPTY = "I couldn't read anything in that message. Could you type it again in words?"
TOO_LONG = ("That message is a bit long for me to read in one go. Could you send that in "
            "shorter parts?")
EXPIRED_BUTTON = ("Sorry, that button has expired. Type what you'd like to do, or send /help "
                  "to see the options again.")
ALREADY_CHOSEN = "Already chosen."
DOCUMENT_FAILED = ("I couldn't send the file just now, sorry. Ask for a copy again, or ask "
                   "for it as text.")
UNSUPPORTED = ("I can only read text messages. I haven't kept what you sent. Could you type "
               "what you'd like to say?")
DELETE_DURING_TAKEOVER = (
    "Someone from the team is in this chat with you right now, so I can't delete your data "
    "at this moment. I've let them know you want to leave. Send /clear to remove the "
    "messages in this chat straight away. When they have left the chat, send /delete "
    "again and I'll erase everything.")
BUSY = ("I'm getting a lot of messages at once. Please give me a moment, then send that "
        "again.")


def cleared_note(seconds: float) -> str:
    """The short note after /clear; it deletes itself too."""
    when = "in a moment" if seconds <= 60 else f"in {round(seconds / 60)} minutes"
    return ("Done: I've deleted the messages in this chat from the last 48 hours (Telegram "
            f"doesn't let me delete older ones). This note will disappear {when}. You can "
            "also delete the whole chat from your chat list.")


UNAVAILABLE_OPENING = ("I'm sorry, something went wrong on my side and I can't answer right "
                       "now. Please try again in a few minutes.")


def unavailable(directory: Directory) -> str:
    """The apology when the assistant cannot answer: never silence, always the crisis lines
    (the gateway does not know where the person is: the charity's home jurisdiction's)."""
    return outage_text(directory, UNAVAILABLE_OPENING)
