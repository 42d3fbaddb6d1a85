"""A person's side of one conversation, sent to whichever Rasa server a test chooses, and a
record of what was said, to compare with what the tracker store holds."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

import aiohttp


@dataclass
class Conversation:
    session: aiohttp.ClientSession
    sender: str = field(default_factory=lambda: f"scale-{uuid.uuid4().hex}")
    sent: List[str] = field(default_factory=list)
    replies: List[str] = field(default_factory=list)
    # (server, sent at, answered at) for every message
    turns: List[Tuple[str, float, float]] = field(default_factory=list)

    async def say(self, server: str, text: str) -> str:
        """Sends one message to `server`; returns the replies' text, joined."""
        started = time.time()
        async with self.session.post(f"{server}/webhooks/rest/webhook",
                                     json={"sender": self.sender, "message": text}) as response:
            assert response.status == 200, await response.text()
            body: List[Dict[str, Any]] = await response.json()
        self.sent.append(text)
        texts = [r["text"] for r in body if r.get("text")]
        self.replies.extend(texts)
        self.turns.append((server, started, time.time()))
        return "\n".join(texts)


async def stored_events(session: aiohttp.ClientSession, server: str, token: str,
                        sender: str) -> List[Dict[str, Any]]:
    """Every event of the conversation, decrypted by the tracker store, via Rasa's API."""
    async with session.get(f"{server}/conversations/{sender}/tracker",
                           params={"include_events": "ALL"},
                           headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status == 200, await response.text()
        return (await response.json())["events"]


def as_replies(bot_events: List[Dict[str, Any]]) -> List[str]:
    """The texts the REST channel sent for stored bot events: it sends the paragraphs of a
    message without buttons as separate replies."""
    texts: List[str] = []
    for event in bot_events:
        text = event.get("text")
        if not text:
            continue
        if (event.get("data") or {}).get("buttons"):
            texts.append(text)
        else:
            texts.extend(text.strip().split("\n\n"))
    return texts
