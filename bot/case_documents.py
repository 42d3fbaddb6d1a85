"""The channels' client for a copy of a person's log: what a reply's custom payload asks
for, and the file fetched once from the action server.

The Telegram gateway sends the file into the chat; the widget's relay offers it as a
download. Neither keeps it: the bytes pass through memory to the person. A payload that is
not exactly what the action writes (bot.contract.CASE_DOCUMENT) is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

import aiohttp

from bot.contract import CASE_DOCUMENT, CASE_DOCUMENT_PATH, CASE_DOCUMENT_TYPES

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,80}\.pdf")
MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Requested:
    """A copy the assistant made: the token that fetches it, its name and type."""

    token: str
    filename: str
    media_type: str


@dataclass(frozen=True)
class Fetched:
    """The file, in memory, on its way to the person."""

    filename: str
    media_type: str
    content: bytes


def requested(reply: Any) -> Optional[Requested]:
    """The copy a Rasa reply asks its channel to deliver, or None."""
    custom = reply.get("custom") if isinstance(reply, dict) else None
    wanted = custom.get(CASE_DOCUMENT) if isinstance(custom, dict) else None
    if not isinstance(wanted, dict):
        return None
    token, name, kind = wanted.get("token"), wanted.get("filename"), wanted.get("media_type")
    if not (isinstance(token, str) and _TOKEN.fullmatch(token) and isinstance(name, str)
            and _FILENAME.fullmatch(name) and kind in CASE_DOCUMENT_TYPES):
        return None
    return Requested(token, name, kind)


def for_token(token: str, filename: str = "case-log.pdf") -> Optional[Requested]:
    """A request for a copy known only by its token (the widget sends just that)."""
    token = token.strip()
    return Requested(token, filename, CASE_DOCUMENT_TYPES[0]) \
        if _TOKEN.fullmatch(token) else None


class CaseDocuments:
    """Fetches copies from the action server with CASE_DOCUMENT_TOKEN."""

    def __init__(self, session: aiohttp.ClientSession, actions_url: Optional[str],
                 token: Optional[str], timeout_seconds: float = 15.0) -> None:
        self._session = session
        self._url = (actions_url or "").rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    @property
    def enabled(self) -> bool:
        """Whether copies can be fetched at all (both settings given)."""
        return bool(self._url and self._token)

    async def fetch(self, conversation_id: str, wanted: Requested) -> Optional[Fetched]:
        """The file, once; None if it is gone, not this conversation's, or unreachable."""
        if not self.enabled:
            return None
        headers = {"Authorization": f"Bearer {self._token}",
                   "X-Conversation-Id": conversation_id}
        try:
            async with self._session.get(f"{self._url}{CASE_DOCUMENT_PATH}{wanted.token}",
                                         headers=headers, timeout=self._timeout) as response:
                if response.status != 200:
                    return None
                content = await response.content.read(MAX_BYTES + 1)
        except (aiohttp.ClientError, TimeoutError):
            return None
        if len(content) > MAX_BYTES or not content.startswith(b"%PDF"):
            return None
        return Fetched(wanted.filename, wanted.media_type, content)
