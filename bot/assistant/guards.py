"""Checks on what a channel hands to Rasa, before anything is processed or stored.

The sender id is the conversation's only key: Rasa turns a missing one into the shared
conversation "default" and stores any other value as it came, so a channel that passes a
malformed id on could mix conversations or fail deep in the tracker store (PostgreSQL
refuses NUL bytes). Our channels make ids of at most 128 characters (the backend's limit
for conversation ids) from letters, digits and `_ . : = + ~ -` (base64url, hex, a prefix):
nothing that changes meaning in a URL path, a log line or a query. Messages longer than a
chat message are not analysed or stored; the person is asked, kindly, to send them in parts.
"""

from __future__ import annotations

import re
from typing import Any, Optional

MAX_SENDER_ID = 128
MAX_MESSAGE_CHARS = 4000
_SENDER_ID = re.compile(r"[A-Za-z0-9_.:=+~-]{1,%d}" % MAX_SENDER_ID)
_CHANNEL_NAME = re.compile(r"[a-z0-9_]{1,40}")

TOO_LONG_REPLY = ("That message is longer than I can read in one go. Could you send it "
                  "in a few shorter parts? There's no rush.")


def valid_sender_id(value: Any) -> bool:
    """True for a sender id our channels could have made: safe as a key, a path or a log."""
    return isinstance(value, str) and _SENDER_ID.fullmatch(value) is not None


def valid_channel_name(value: Any) -> bool:
    """True for no channel name or a short lower-case one."""
    return value is None or (isinstance(value, str) and _CHANNEL_NAME.fullmatch(value) is not None)


def rest_body_problem(body: Any) -> Optional[str]:
    """Why a REST webhook body cannot be taken, or None when it can."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    if not valid_sender_id(body.get("sender")):
        return f"sender must be 1 to {MAX_SENDER_ID} letters, digits or _ . : = + ~ -"
    message = body.get("message")
    if message is not None and not isinstance(message, str):
        return "message must be a string"
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return "metadata must be an object"
    if not valid_channel_name(body.get("input_channel")):
        return "input_channel must be a short lower-case name"
    return None


def too_long(text: Optional[str]) -> bool:
    """True when a message is too long to analyse or store."""
    return text is not None and len(text) > MAX_MESSAGE_CHARS
