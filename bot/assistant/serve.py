"""Runs the Rasa server (`rasa run ...`) narrowed to what the services use, and faster.

Usage: RASA_TOKEN=... python -m bot.assistant.serve run --enable-api ... (any `rasa` command)

Rasa's HTTP API is narrowed (api_guard.py): only the routes the backend and the gateway
call answer, every other (`/model*` and training above all) is 404 whatever the token;
the token travels in an `Authorization: Bearer` header, never in a URL, and is read from
RASA_TOKEN (or the file RASA_TOKEN_FILE names), never from the command line, where every
process on the host could read it. Rasa sends ACTION_SERVER_TOKEN to the action server
the same way. Secrets are checked before Rasa loads anything.

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

import os
import sys
from functools import lru_cache
from typing import Any, Dict, Mapping, Optional

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


def apply(env: Optional[Mapping[str, str]] = None) -> None:
    """Patch Rasa: the validator, resilience, socket.io, locks, and the narrowed API."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]
    from bot.assistant import (  # server modules: only when serving
        api_guard,
        atomic_lock,
        resilience,
        socketio_compat,
    )

    atomic_lock.apply()
    resilience.apply()
    socketio_compat.apply()
    api_guard.apply(os.environ if env is None else env)


def main() -> None:
    """Check the arguments and secrets, then run the `rasa` command line."""
    from bot.assistant import api_guard

    try:
        api_guard.check_command_line(sys.argv[1:])
        api_guard.check_secrets(os.environ, serving="run" in sys.argv[1:2])
    except api_guard.ConfigError as error:
        sys.exit(f"rasa: configuration error: {error}")
    apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
