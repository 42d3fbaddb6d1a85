"""The team reads a log only when the person shared it, with CASE_LOG_STAFF_TOKEN alone,
and a report it adds joins the log marked as the team's."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from typing import Dict, Iterator, Optional, Tuple

import pytest
from cryptography.fernet import Fernet, MultiFernet

from actions.caselog.case_file import CaseFile
from bot.directory import load_directory
from tests.assistant.test_action_gate import _env, running_gate


def _request(url: str, token: Optional[str], body: Optional[dict] = None) -> Tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Tuple[str, Dict[str, str], CaseFile]]:
    env = {**_env(tmp_path_factory.mktemp("staff")),
           "CASE_LOG_STAFF_TOKEN": secrets.token_urlsafe(32)}
    case_file = CaseFile.open(f"sqlite:///{env['OUTBOX_PATH']}",
                              MultiFernet([Fernet(env["OUTBOX_ENCRYPTION_KEYS"])]),
                              {p.id for p in load_directory().platforms})
    try:
        with running_gate(env) as url:
            yield url, env, case_file
    finally:
        case_file.close()


def test_only_a_shared_log_is_read_and_added_to(served):
    url, env, case_file = served
    case_file.log.add("tg-a", "place", {"link": "https://reddit.com/r/x/1",
                                        "platform": "reddit"})
    address = f"{url}/case-logs/tg-a"
    token = env["CASE_LOG_STAFF_TOKEN"]
    assert _request(address, None)[0] == 401
    assert _request(address, env["ACTION_SERVER_TOKEN"])[0] == 401
    assert _request(address, token)[0] == 404                      # not shared
    assert _request(address + "/reports", token, {"to": "Reddit"})[0] == 404
    case_file.sharing.share("tg-a")
    status, body = _request(address, token)
    assert status == 200 and body["entries"][0]["number"] == 1
    assert "reddit.com/r/x/1" in body["entries"][0]["text"]
    status, body = _request(address + "/reports", token,
                            {"to": "Reddit", "reference": "RDT-1", "at": "2026-12-04"})
    assert status == 201 and body == {"number": 2}
    report = case_file.log.entry("tg-a", 2).record
    assert (report.to, report.reference, report.made_by) == ("Reddit", "RDT-1", "team")
    assert _request(address + "/reports", token, {"to": ""})[0] == 422
    assert _request(address + "/reports", token, {"to": "x", "made_by": "x"})[0] == 422
    case_file.sharing.withdraw("tg-a")
    assert _request(address, token)[0] == 404


def test_a_cleared_chat_cancels_its_reminders_shared_or_not(served):
    import datetime as dt
    url, env, case_file = served
    case_file.reminders.add("tg-b", dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1),
                            text="check the post")
    address = f"{url}/case-logs/tg-b/reminders/cancel"
    request = urllib.request.Request(address, data=b"", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401 and case_file.reminders.pending("tg-b")
    request.add_header("Authorization", f"Bearer {env['CASE_LOG_STAFF_TOKEN']}")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204
    assert case_file.reminders.pending("tg-b") == []
