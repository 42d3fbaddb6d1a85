"""Talking to the backend's web chat relay (/chat/ws) as the widget does, and as a crafted
client can: a hello frame first (the server issues a signed session, or refuses a forged
one), then message frames; the relay answers with frames (bot/backend/chat/frames.py).

Bytes that are not UTF-8 go in a text frame as they are, which only a crafted client can
send: the WebSocket protocol has the server close the connection (1007) for it.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import aiohttp

from bot.backend.chat.tokens import sender_id

# What a close says, as an HTTP status: 1007 (a text frame that is not UTF-8) and 1009
# (a frame too big to read) are clean refusals; any other close after a message (1011 is
# the relay's own "failed") is a failure of the relay.
CLOSE_STATUS = {aiohttp.WSCloseCode.INVALID_TEXT: 400,
                aiohttp.WSCloseCode.POLICY_VIOLATION: 403,
                aiohttp.WSCloseCode.MESSAGE_TOO_BIG: 413}


@dataclass
class Turn:
    """What came back for one frame: the frames, and the close, if the relay closed."""

    frames: List[Dict[str, Any]] = field(default_factory=list)
    close_code: Optional[int] = None

    @property
    def status(self) -> Optional[int]:
        """200 when something was said, a 4xx for a clean close, 500 for any other close,
        None when nothing came back."""
        if self.close_code is not None:
            return CLOSE_STATUS.get(self.close_code, 500)
        return 200 if self.shown else None

    @property
    def shown(self) -> List[str]:
        """What the widget shows the person: messages, and the kind words of errors."""
        return [str(f.get("text") if f.get("type") == "message" else f.get("message"))
                for f in self.frames if f.get("type") in ("message", "error")]

    def has(self, kind: str, **values: Any) -> bool:
        return any(f.get("type") == kind and all(f.get(k) == v for k, v in values.items())
                   for f in self.frames)


class WidgetSocket:
    def __init__(self, http: aiohttp.ClientSession, backend: str) -> None:
        self.http, self.backend = http, backend
        self.sender: Optional[str] = None

    async def __aenter__(self) -> "WidgetSocket":
        # The widget on the backend's own demo page: its own origin is always allowed.
        self.ws = await self.http.ws_connect(f"{self.backend}/chat/ws",
                                             headers={"Origin": self.backend})
        return self

    async def __aexit__(self, *_exc: Any) -> None:
        await self.ws.close()

    async def hello(self, token: Any = None, within: float = 10.0) -> Turn:
        """Asks for a new session (None) or presents `token`; notes the session's sender."""
        await self.ws.send_str(json.dumps({"type": "hello", "session": token}))
        turn = await self.read(within, until_typing_stops=False)
        for frame in turn.frames:
            if frame.get("type") == "session":
                self.sender = sender_id(str(frame["session"]).split(".")[0])
                if not frame.get("resumed"):  # the relay's own welcome follows
                    turn.frames.extend((await self.read(within)).frames)
        return turn

    async def say(self, text: str, first_within: float) -> Turn:
        return await self.send_text(json.dumps({"type": "message", "text": text}).encode(),
                                    first_within)

    async def send_text(self, frame: bytes, first_within: float) -> Turn:
        """Sends `frame` as a text frame, as it is, and reads what comes back."""
        await self.ws.send_frame(frame, aiohttp.WSMsgType.TEXT)
        return await self.read(first_within)

    async def read(self, first_within: float, until_typing_stops: bool = True) -> Turn:
        """Frames until the assistant stops typing (or an error, or a close, or a pause)."""
        turn = Turn()
        while True:
            try:
                message = await self.ws.receive(timeout=first_within)
            except asyncio.TimeoutError:
                return turn
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING,
                                aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                turn.close_code = self.ws.close_code or aiohttp.WSCloseCode.ABNORMAL_CLOSURE
                return turn
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            frame = json.loads(message.data)
            turn.frames.append(frame)
            if (frame.get("type") == "error" or not until_typing_stops
                    or frame == {"type": "typing", "on": False}):
                return turn
