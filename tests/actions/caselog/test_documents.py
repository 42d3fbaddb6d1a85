"""A copy of the log waits for its channel a few minutes, encrypted, and is given once, to
its own conversation only."""

from __future__ import annotations

import time

import sqlalchemy as sa

from actions.caselog.documents import Document
from actions.caselog.tables import case_documents

PDF = Document("case-log-2026-12-05.pdf", "application/pdf",
               b"%PDF-1.7 entry 1 reddit.com/r/x/1 RDT-20481173")


def test_given_once_to_its_own_conversation(case_file):
    token = case_file.documents.keep("c-1", PDF)
    assert case_file.documents.take(token, "c-2") is None        # not theirs, not used up
    assert case_file.documents.take(token, "c-1") == PDF
    assert case_file.documents.take(token, "c-1") is None        # single use


def test_gone_after_its_minutes(case_file):
    token = case_file.documents.keep("c-1", PDF, now=time.time() - 11 * 60)
    assert case_file.documents.take(token, "c-1") is None


def test_encrypted_at_rest_and_the_token_not_kept(case_file):
    token = case_file.documents.keep("c-1", PDF)
    with case_file.log.engine.connect() as conn:
        row = conn.execute(sa.select(case_documents)).one()
    stored = repr(tuple(row)).encode()
    for clear in (b"%PDF", b"reddit", b"RDT-2048", b"c-1", token.encode()):
        assert clear not in stored


def test_erasure_and_the_purge_take_waiting_copies(case_file):
    token = case_file.documents.keep("c-1", PDF)
    case_file.documents.keep("c-2", PDF, now=time.time() - 3600)
    assert case_file.purge_older_than(90) >= 0
    with case_file.log.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(case_documents)).scalar() == 1
    case_file.erase("c-1")
    assert case_file.documents.take(token, "c-1") is None
