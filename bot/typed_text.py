"""What a person types is text, never an intent.

Rasa reads a message that starts with "/" (after Python's `str.strip()`, so leading
spaces of any kind do not help) as a ready-made intent: "/crisis_self_harm" or
'/inform{"age": 30}' skips understanding, and with it the safety matcher, which leaves
such messages alone (rasa/shared/core/training_data/story_reader/yaml_story_reader.py,
`unpack_regex_message`, run by the RegexMessageHandler). So every channel hands typed
text over without its leading slashes: "/help me" arrives as "help me", which the NLU
reads like any other words. Only server-issued button tokens (the widget relay) and the
gateway's own commands (/start, /help, /delete, /clear) ever send a payload.
"""

from __future__ import annotations

INTENT_PREFIX = "/"


def neutralise(text: str) -> str:
    """The text without leading whitespace and slashes, in any order ("/ /greet")."""
    text = text.lstrip()
    while text.startswith(INTENT_PREFIX):
        text = text[len(INTENT_PREFIX):].lstrip()
    return text
