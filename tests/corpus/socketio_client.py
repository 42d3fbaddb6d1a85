"""Talking to Rasa's socket.io channel as a browser does, and as a crafted client can.

`SocketChat` speaks Engine.IO 4 / Socket.IO 5 over a WebSocket itself, in a few lines:
python-socketio's client needs a newer aiohttp than Rasa's environment has. Bytes that are
not UTF-8 cannot travel in a WebSocket text frame, so `send_raw_polling` sends them the way
a crafted client could: in an Engine.IO long-polling POST.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any, List, Optional, Tuple

import aiohttp

# Rasa sends a reply's messages one event at a time: the reply is complete after a pause.
QUIET_SECONDS = 1.0


class SocketChat:
    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http = http
        self.url = f"{url}/socket.io/?EIO=4&transport=websocket"
        self.events: "asyncio.Queue[Tuple[str, Any]]" = asyncio.Queue()
        self._reader: Optional["asyncio.Task[None]"] = None

    async def __aenter__(self) -> "SocketChat":
        self.ws = await self.http.ws_connect(self.url)
        opened = await self.ws.receive_str(timeout=10)
        assert opened.startswith("0"), opened  # Engine.IO open
        await self.ws.send_str("40")  # Socket.IO connect, default namespace
        connected = await self.ws.receive_str(timeout=10)
        assert connected.startswith("40"), connected
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *_exc: Any) -> None:
        if self._reader:
            self._reader.cancel()
        await self.ws.close()

    async def _read(self) -> None:
        async for frame in self.ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                continue
            if frame.data == "2":  # ping: answer, or the server drops us
                await self.ws.send_str("3")
            elif frame.data.startswith("42"):
                name, *args = json.loads(frame.data[2:])
                self.events.put_nowait((name, args[0] if args else None))

    async def emit(self, event: str, data: Any) -> None:
        await self.ws.send_str("42" + json.dumps([event, data]))

    async def session(self, session_id: Any, within: float = 10.0) -> None:
        """Asks for a session; Rasa confirms whatever id it was given."""
        await self.emit("session_request", {"session_id": session_id})
        await self._next(within)

    async def say(self, session_id: Any, text: Any, first_within: float) -> List[str]:
        """The replies' texts, or [] when nothing came within `first_within` seconds."""
        await self.emit("user_uttered", {"message": text, "session_id": session_id})
        return await self.replies(first_within)

    async def replies(self, first_within: float) -> List[str]:
        texts: List[str] = []
        event = await self._next(first_within)
        while event is not None:
            name, data = event
            if name == "bot_uttered" and isinstance(data, dict):
                texts.append(str(data.get("text") or data))
            event = await self._next(QUIET_SECONDS)
        return texts

    async def _next(self, seconds: float) -> Optional[Tuple[str, Any]]:
        try:
            return await asyncio.wait_for(self.events.get(), seconds)
        except asyncio.TimeoutError:
            return None


def fresh_session_id() -> str:
    return uuid.uuid4().hex


async def send_raw_polling(session: aiohttp.ClientSession, url: str, session_id: str,
                           message: bytes) -> Tuple[int, str, List[str]]:
    """Sends a user message whose text is `message` (raw bytes) over Engine.IO polling.

    Returns the POST's status and body, and the texts of any replies that followed.
    """
    base = f"{url}/socket.io/?EIO=4&transport=polling"
    async with session.get(base) as response:
        sid = json.loads((await response.text())[1:])["sid"]
    poll = f"{base}&sid={sid}"
    await _post(session, poll, b"40")
    async with session.get(poll) as response:  # the namespace's connect answer
        await response.read()
    await _post(session, poll, b'42["session_request",{"session_id":"%s"}]' % session_id.encode())
    status, body = await _post(
        session, poll,
        b'42["user_uttered",{"message":"' + message + b'","session_id":"%s"}]' % session_id.encode())
    return status, body, await _poll_replies(session, poll, first_within=5.0)


async def _poll_replies(session: aiohttp.ClientSession, poll: str, first_within: float
                        ) -> List[str]:
    """Reads queued packets until the replies stop coming (each GET waits for some)."""
    texts: List[str] = []
    wait = first_within
    while True:
        try:
            async with session.get(poll, timeout=aiohttp.ClientTimeout(total=wait)) as response:
                packets = (await response.text()).split("\x1e")
        except asyncio.TimeoutError:
            return texts
        for packet in packets:
            if packet.startswith('42["bot_uttered"'):
                texts.append(json.loads(packet[2:])[1].get("text") or "")
        if texts:
            wait = QUIET_SECONDS


async def _post(session: aiohttp.ClientSession, url: str, body: bytes) -> Tuple[int, str]:
    async with session.post(url, data=body,
                            headers={"Content-Type": "text/plain;charset=UTF-8"}) as response:
        return response.status, await response.text()
