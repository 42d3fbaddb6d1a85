"""The Rasa wrapper: the compiled action-reply validator accepts and rejects exactly what
Rasa's does; the narrowed HTTP API; the secrets checked at start."""

import base64
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, Iterator, Optional, Tuple

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.assistant import api_guard, serve

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


# --- the narrowed HTTP API (bot/assistant/api_guard.py), on a real Rasa server ----------
# No model is loaded: the routes, the token check and the start-up checks are Rasa's
# server and ours, whatever the model.

ROOT = Path(__file__).resolve().parents[2]
REMOVED = [
    ("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train"),
    ("POST", "/model/parse"), ("POST", "/model/predict"), ("POST", "/model/test/stories"),
    ("POST", "/model/test/intents"), ("GET", "/status"), ("GET", "/version"),
    ("GET", "/domain"), ("PUT", "/conversations/x/tracker/events"),
    ("GET", "/conversations/x/story"), ("POST", "/conversations/x/execute"),
    ("POST", "/conversations/x/trigger_intent"), ("POST", "/conversations/x/predict"),
    ("POST", "/conversations/x/messages"),
]


def _secrets(tmp_path: Path) -> Dict[str, str]:
    return {
        "RASA_TOKEN": secrets.token_urlsafe(32),
        "ACTION_SERVER_TOKEN": secrets.token_urlsafe(32),
        "TRACKER_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:9/webhook",
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
    }


def _serve(env: Dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.assistant.serve", *args], cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT),
             "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", **env},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _refused(env: Dict[str, str], *args: str) -> Tuple[int, str]:
    """Start a server that must refuse to start; its exit code and output."""
    # A closed port, should the checks let it through by mistake.
    process = _serve(env, "run", "--enable-api", "--port", "9", *args)
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    return process.returncode, output


def _call(method: str, url: str, token: Optional[str] = None) -> int:
    request = urllib.request.Request(url, data=b"{}" if method != "GET" else None,
                                     method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def rasa(tmp_path_factory) -> Iterator[Tuple[str, str]]:
    tmp = tmp_path_factory.mktemp("rasa")
    env = _secrets(tmp)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = _serve(env, "run", "--enable-api", "--model", str(tmp), "--endpoints",
                     str(ROOT / "endpoints.yml"), "--credentials",
                     str(ROOT / "deploy" / "credentials.yml"), "--interface", "127.0.0.1",
                     "--port", str(port))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stdout.read()
            try:
                if _call("GET", url + "/") == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "Rasa did not start"
            time.sleep(0.5)
        yield url, env["RASA_TOKEN"]
    finally:
        process.terminate()
        process.wait(30)


@pytest.mark.parametrize("method, path", REMOVED)
def test_routes_the_services_never_call_answer_404_even_with_the_token(rasa, method, path):
    url, token = rasa
    assert _call(method, url + path, token) == 404


def test_the_token_is_taken_from_the_header_and_refused_in_the_url(rasa):
    url, token = rasa
    tracker = url + "/conversations/someone/tracker"
    assert _call("GET", tracker) == 401
    assert _call("GET", f"{tracker}?token={token}") == 401
    assert _call("GET", tracker, "wrong" + token) == 401
    # Past the check: without a model Rasa answers 409 "no agent".
    assert _call("GET", tracker, token) == 409
    assert _call("POST", tracker + "/events", token) != 401


def test_the_channels_and_health_check_stay_open(rasa):
    url, _ = rasa
    assert _call("GET", url + "/") == 200
    assert _call("GET", url + "/webhooks/rest/") == 200


@pytest.mark.parametrize("args", [["--auth-token", "x" * 40], ["--auth-token=abc"],
                                  ["-t", "abc"], ["--jwt-secret", "abc"]])
def test_a_secret_on_the_command_line_is_refused(tmp_path, args):
    code, output = _refused(_secrets(tmp_path), *args)
    assert code != 0 and "set RASA_TOKEN" in output


@pytest.mark.parametrize("name, value, message", [
    ("RASA_TOKEN", "CHANGE_ME_RASA_TOKEN", "RASA_TOKEN still holds a placeholder"),
    ("RASA_TOKEN", "", "RASA_TOKEN is not set"),
    ("RASA_TOKEN", "rasa-test-token", "RASA_TOKEN must be at least 32 characters"),
    ("RASA_TOKEN", "token-" * 8, "RASA_TOKEN is too easy to guess"),
    ("ACTION_SERVER_TOKEN", "CHANGE_ME_ACTION_SERVER_TOKEN", "ACTION_SERVER_TOKEN still"),
    ("TRACKER_ENCRYPTION_KEYS", "CHANGE_ME_FERNET_KEY", "TRACKER_ENCRYPTION_KEYS (key 1)"),
    ("REDIS_PASSWORD", "CHANGE_ME_REDIS_PASSWORD", "REDIS_PASSWORD still holds"),
    ("TRACKER_DATABASE_URL", "postgresql://rasa:CHANGE_ME_POSTGRES_PASSWORD@db/tracker",
     "TRACKER_DATABASE_URL (its password) still holds"),
])
def test_weak_secrets_stop_the_start_naming_the_variable(tmp_path, name, value, message):
    code, output = _refused({**_secrets(tmp_path), name: value})
    assert code != 0 and message in output
    assert not value or value not in output


def test_the_token_may_come_from_a_file(tmp_path):
    token = secrets.token_urlsafe(32)
    (tmp_path / "token").write_text(token + "\n")
    assert api_guard.read_token({"RASA_TOKEN_FILE": str(tmp_path / "token")}) == token
    with pytest.raises(api_guard.ConfigError, match="RASA_TOKEN_FILE cannot be read"):
        api_guard.read_token({"RASA_TOKEN_FILE": str(tmp_path / "missing")})


def test_rasa_sends_the_action_servers_token_in_a_header(tmp_path, monkeypatch):
    import rasa.server
    from rasa.core.utils import AvailableEndpoints

    # monkeypatch restores what apply() replaces.
    monkeypatch.setattr(rasa.server, "requires_auth", rasa.server.requires_auth)
    monkeypatch.setattr(rasa.server, "create_app", rasa.server.create_app)
    monkeypatch.setattr(AvailableEndpoints, "read_endpoints",
                        AvailableEndpoints.read_endpoints)
    env = {**_secrets(tmp_path), "REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6379",
           "REDIS_DB": "0", "REDIS_USERNAME": "", "REDIS_PASSWORD": "", "REDIS_USE_SSL": "false",
           "REDIS_SSL_CA_CERTS": "", "REDIS_LOCK_PREFIX": ""}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    api_guard.apply(env)
    for path in (ROOT / "endpoints.yml", ROOT / "deploy" / "endpoints.yml"):
        endpoints = AvailableEndpoints.read_endpoints(str(path))
        assert endpoints.action.headers == {
            "Authorization": f"Bearer {env['ACTION_SERVER_TOKEN']}"}
        assert endpoints.action.token is None and not endpoints.action.params
    lock = AvailableEndpoints.read_endpoints(str(ROOT / "deploy" / "endpoints.yml")).lock_store
    assert lock.kwargs["use_ssl"] is False, '"false" must not switch TLS on'
    assert lock.kwargs["username"] is None and lock.kwargs["ssl_ca_certs"] is None
    monkeypatch.setenv("REDIS_USE_SSL", "true")
    monkeypatch.setenv("REDIS_USERNAME", "rasa")
    lock = AvailableEndpoints.read_endpoints(str(ROOT / "deploy" / "endpoints.yml")).lock_store
    assert (lock.kwargs["use_ssl"], lock.kwargs["username"]) == (True, "rasa")
