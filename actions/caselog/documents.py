"""Copies of the log made for download: kept for a few minutes, given once, to one
conversation.

The action that makes a copy keeps its bytes here, encrypted, and puts only a single-use
token in its reply; the channel (the Telegram gateway, the widget's relay) fetches the
bytes with that token and the conversation's id through the action server
(document_route.py), which deletes them as it hands them over. So the document never
enters Rasa's tracker or a transcript, a token seen in a transcript opens nothing after
its first use or its few minutes, and another conversation cannot open it at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa
from cryptography.fernet import InvalidToken, MultiFernet
from sqlalchemy.engine import Engine

from actions.caselog.tables import case_documents, conversation_key, writing

LIFETIME = dt.timedelta(minutes=10)
MAX_BYTES = 2 * 1024 * 1024  # a log of 200 entries is a few hundred kilobytes as a PDF
_SEPARATOR = b"\n"


@dataclass(frozen=True)
class Document:
    """A file for the person: its name, its media type and its bytes."""

    filename: str
    media_type: str
    content: bytes


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class DocumentStore:
    """Every conversation's waiting downloads, in the case file's database."""

    def __init__(self, engine: Engine, cipher: MultiFernet,
                 lifetime: dt.timedelta = LIFETIME) -> None:
        self.engine = engine
        self.cipher = cipher
        self.lifetime = lifetime

    def keep(self, conversation_id: str, document: Document,
             now: Optional[float] = None) -> str:
        """Keeps a document for `lifetime`; returns the single-use token that fetches it."""
        if len(document.content) > MAX_BYTES:
            raise ValueError("document too large")
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(24)
        header = json.dumps({"filename": document.filename,
                             "media_type": document.media_type}).encode("utf-8")
        payload = self.cipher.encrypt(header + _SEPARATOR + document.content)
        with writing(self.engine, "documents") as conn:
            conn.execute(case_documents.delete().where(case_documents.c.expires_at <= now))
            conn.execute(case_documents.insert().values(
                id=_hash(token), conversation_key=conversation_key(conversation_id),
                payload=payload, expires_at=now + self.lifetime.total_seconds()))
        return token

    def take(self, token: str, conversation_id: str,
             now: Optional[float] = None) -> Optional[Document]:
        """The document, once, for the conversation it was made for and before it expires;
        None otherwise. A wrong conversation does not use the token up."""
        now = time.time() if now is None else now
        where = sa.and_(case_documents.c.id == _hash(token),
                        case_documents.c.conversation_key == conversation_key(conversation_id))
        with writing(self.engine, "documents") as conn:
            row = conn.execute(sa.select(case_documents.c.payload,
                                         case_documents.c.expires_at).where(where)).first()
            if row is None:
                return None
            conn.execute(case_documents.delete().where(where))
        if row.expires_at <= now:
            return None
        try:
            plain = self.cipher.decrypt(bytes(row.payload))
        except InvalidToken:
            return None
        header, _, content = plain.partition(_SEPARATOR)
        meta = json.loads(header)
        return Document(meta["filename"], meta["media_type"], content)

    def erase(self, conversation_id: str) -> int:
        """Forgets every waiting download of the conversation; returns how many."""
        with writing(self.engine, "documents") as conn:
            return conn.execute(case_documents.delete().where(
                case_documents.c.conversation_key == conversation_key(conversation_id))
            ).rowcount

    def purge_expired(self, now: Optional[float] = None) -> int:
        """Forgets every download past its time; returns how many."""
        now = time.time() if now is None else now
        with writing(self.engine, "documents") as conn:
            return conn.execute(case_documents.delete().where(
                case_documents.c.expires_at <= now)).rowcount
