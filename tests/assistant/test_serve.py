"""The compiled action-reply validator accepts and rejects exactly what Rasa's does."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.assistant import serve

GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "country", "value": "GB-SCT"}],
     "responses": [{"text": "hi", "buttons": [{"title": "a", "payload": "/b"}]}]},
    {"events": [{"event": "active_loop", "name": None}]},
]
BAD = [
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"responses": "nope"},
]


@pytest.mark.parametrize("result", GOOD)
def test_valid_replies_pass_both(result):
    jsonschema.validate(result, RemoteAction.action_response_format_spec())
    assert serve.validate_action_result(None, result) is True


@pytest.mark.parametrize("result", BAD)
def test_invalid_replies_fail_both_with_rasas_message(result):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as error:
        serve.validate_action_result(None, result)
    assert "Failed to validate Action server response" in error.value.message


def test_apply_replaces_rasas_method():
    original = RemoteAction._validate_action_result
    try:
        serve.apply()
        assert RemoteAction._validate_action_result is serve.validate_action_result
    finally:
        RemoteAction._validate_action_result = original
