"""A small client for the REST channel, as a channel gateway would use it."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List

import aiohttp


class Chat:
    def __init__(self, session: aiohttp.ClientSession, rasa_url: str) -> None:
        self.session = session
        self.url = f"{rasa_url}/webhooks/rest/webhook"
        self.sender = f"e2e-{uuid.uuid4().hex}"

    async def say(self, text: str, **metadata: Any) -> List[Dict[str, Any]]:
        body = {"sender": self.sender, "message": text, "metadata": metadata}
        async with self.session.post(self.url, json=body) as response:
            assert response.status == 200, await response.text()
            return await response.json()


def joined(replies: List[Dict[str, Any]]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def payloads(replies: List[Dict[str, Any]]) -> List[str]:
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


async def last_parse(session: aiohttp.ClientSession, rasa_url: str, token: str,
                     sender: str) -> Dict[str, Any]:
    """What Rasa's NLU made of the person's latest message (from the tracker API)."""
    url = f"{rasa_url}/conversations/{sender}/tracker"
    async with session.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status == 200, await response.text()
        tracker = await response.json()
    return tracker["latest_message"]
