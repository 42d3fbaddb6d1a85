"""Runs the Rasa server (`rasa run ...`) with one performance fix for Rasa 3.6.

Usage: python -m bot.assistant.serve run --enable-api --auth-token ... (any `rasa` command)

Rasa checks every reply from the action server against a JSON schema with
`jsonschema.validate`, which re-checks the schema itself against the draft 2020-12
meta-schema on every call. In our profile of scripted conversations that was 40% of the
Rasa server's CPU time. Here the same schema and the same validator class are compiled
once; replies are checked exactly as before and a bad reply fails with the same error.

It also applies bot/assistant/resilience.py (a gentle reply with the helplines when the
action server or a store fails, and input checks before anything is stored) and
bot/assistant/socketio_compat.py (replies reach socket.io clients again) and
bot/assistant/atomic_lock.py (two Rasa servers never take the same Redis lock ticket).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any, Dict

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def action_response_validator() -> Any:
    """The action-response schema validator, compiled once instead of on every reply."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, instead of on every action call
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result, with the validator compiled once."""
    try:
        action_response_validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


def apply() -> None:
    """Installs our patches to Rasa (the schema compiled once, degraded replies, the atomic
    lock, socket.io rooms) before it starts."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]
    from bot.assistant import (  # server modules: only when serving
        atomic_lock,
        resilience,
        socketio_compat,
    )

    atomic_lock.apply()
    resilience.apply()
    socketio_compat.apply()


def main() -> None:
    """Runs `rasa run` with the patches applied (the Rasa image's entry point)."""
    apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
