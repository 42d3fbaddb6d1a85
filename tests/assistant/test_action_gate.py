"""The action server answers only Rasa: its token on every call but /health; its secrets
are checked at start; it holds the outbox's keys and never the transcripts'."""

import base64
import contextlib
import json
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

import pytest

from bot import action_gate

ROOT = Path(__file__).resolve().parents[2]


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _env(tmp_path: Path) -> Dict[str, str]:
    return {"ACTION_SERVER_TOKEN": secrets.token_urlsafe(32), "OUTBOX_ENCRYPTION_KEYS": _key(),
            "OUTBOX_PATH": str(tmp_path / "outbox.db")}


def _start(env: Dict[str, str], port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.action_gate", "--host", "127.0.0.1",
         "--port", str(port)], cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _call(url: str, token: Optional[str] = None, body: Optional[dict] = None) -> int:
    request = urllib.request.Request(
        url, data=None if body is None else json.dumps(body).encode(),
        method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json"})
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_gate(env: Dict[str, str]) -> Iterator[str]:
    """The gated action server with `env`, healthy, until the block ends; yields its URL."""
    port = _free_port()
    process = _start(env, port)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stdout.read()
            try:
                if _call(url + "/health") == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the action server did not start"
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Tuple[str, str]]:
    env = _env(tmp_path_factory.mktemp("actions"))
    with running_gate(env) as url:
        yield url, env["ACTION_SERVER_TOKEN"]


CALL = {"next_action": "action_no_such_action", "sender_id": "x",
        "tracker": {"sender_id": "x", "slots": {}, "latest_message": {}, "events": [],
                    "paused": False, "followup_action": None, "active_loop": {},
                    "latest_action_name": None},
        "domain": {}, "version": "3.6.21"}


def test_calls_without_rasas_token_are_refused(server):
    url, token = server
    for path in ("/webhook", "/actions"):
        assert _call(url + path, None, CALL) == 401
        assert _call(url + path, "x" + token, CALL) == 401
    assert _call(url + "/actions") == 401


def test_rasas_calls_pass_and_the_health_check_stays_open(server):
    url, token = server
    assert _call(url + "/health") == 200
    # Past the gate: rasa-sdk answers an unknown action with 404.
    assert _call(url + "/webhook", token, CALL) == 404
    assert _call(url + "/actions", token) == 200


@pytest.mark.parametrize("name, value, message", [
    ("ACTION_SERVER_TOKEN", "", "ACTION_SERVER_TOKEN is not set"),
    ("ACTION_SERVER_TOKEN", "CHANGE_ME_ACTION_SERVER_TOKEN", "ACTION_SERVER_TOKEN still"),
    ("ACTION_SERVER_TOKEN", "ab" * 20, "ACTION_SERVER_TOKEN is too easy to guess"),
    ("OUTBOX_ENCRYPTION_KEYS", "", "OUTBOX_ENCRYPTION_KEYS is not set"),
    ("OUTBOX_ENCRYPTION_KEYS", "CHANGE_ME_FERNET_KEY", "OUTBOX_ENCRYPTION_KEYS (key 1)"),
    ("BACKEND_SERVICE_TOKEN", "CHANGE_ME_BACKEND_SERVICE_TOKEN", "BACKEND_SERVICE_TOKEN still"),
    ("OUTBOX_DATABASE_URL", "postgresql://actions:CHANGE_ME_POSTGRES_PASSWORD@db/outbox",
     "OUTBOX_DATABASE_URL (its password) still holds"),
])
def test_weak_secrets_stop_the_start_naming_the_variable(tmp_path, name, value, message):
    process = _start({**_env(tmp_path), name: value}, 9)
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode != 0 and message in output
    assert not value or value not in output


def test_the_outbox_has_keys_of_its_own():
    key = _key()
    env = {"ACTION_SERVER_TOKEN": secrets.token_urlsafe(32), "OUTBOX_ENCRYPTION_KEYS": key,
           "TRACKER_ENCRYPTION_KEYS": f"{_key()},{key}"}
    with pytest.raises(action_gate.ConfigError, match="shares a key"):
        action_gate.check_secrets(env)
    env["TRACKER_ENCRYPTION_KEYS"] = _key()
    action_gate.check_secrets(env)
    action_gate.hand_over_outbox_keys(env)
    assert env["TRACKER_ENCRYPTION_KEYS"] == key
