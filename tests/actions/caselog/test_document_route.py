"""The action server hands a copy of the log to its channel: only with CASE_DOCUMENT_TOKEN
(Rasa's token opens nothing here), only for the conversation it was made for, once."""

from __future__ import annotations

import secrets
import urllib.error
import urllib.request
from typing import Dict, Iterator, Optional, Tuple

import pytest
from cryptography.fernet import Fernet, MultiFernet

from actions.caselog.case_file import CaseFile
from actions.caselog.documents import Document
from bot.directory import load_directory
from tests.assistant.test_action_gate import _env, _start, running_gate

PDF = Document("case-log.pdf", "application/pdf", b"%PDF-1.7 a log")


def _fetch(url: str, token: Optional[str], conversation: str) -> Tuple[int, bytes, Dict]:
    request = urllib.request.Request(url, headers={"X-Conversation-Id": conversation})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            return response.status, response.read(), headers
    except urllib.error.HTTPError as error:
        return error.code, b"", {}


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Tuple[str, Dict[str, str], CaseFile]]:
    env = {**_env(tmp_path_factory.mktemp("documents")),
           "CASE_DOCUMENT_TOKEN": secrets.token_urlsafe(32)}
    case_file = CaseFile.open(f"sqlite:///{env['OUTBOX_PATH']}",
                              MultiFernet([Fernet(env["OUTBOX_ENCRYPTION_KEYS"])]),
                              {p.id for p in load_directory().platforms})
    try:
        with running_gate(env) as url:
            yield url, env, case_file
    finally:
        case_file.close()


def test_a_copy_is_given_once_to_its_channel(served):
    url, env, case_file = served
    token = case_file.documents.keep("tg-one", PDF)
    address = f"{url}/case-documents/{token}"
    assert _fetch(address, None, "tg-one")[0] == 401
    assert _fetch(address, env["ACTION_SERVER_TOKEN"], "tg-one")[0] == 401
    assert _fetch(address, env["CASE_DOCUMENT_TOKEN"], "tg-other")[0] == 404
    status, body, headers = _fetch(address, env["CASE_DOCUMENT_TOKEN"], "tg-one")
    assert status == 200 and body == PDF.content
    assert headers["content-type"] == "application/pdf"
    assert headers["cache-control"] == "no-store"
    assert 'filename="case-log.pdf"' in headers["content-disposition"]
    assert _fetch(address, env["CASE_DOCUMENT_TOKEN"], "tg-one")[0] == 404


def test_a_weak_document_token_stops_the_start(tmp_path):
    process = _start({**_env(tmp_path), "CASE_DOCUMENT_TOKEN": "CHANGE_ME_DOCUMENTS"}, 9)
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode != 0 and "CASE_DOCUMENT_TOKEN still" in output
