"""Rasa 3.6's socket.io channel made to work with python-socketio 5.10 and later.

Rasa calls `sio.enter_room(...)` without awaiting it. Since python-socketio 5.10 that is a
coroutine on the async server, so the client never joins its session's room and no reply
ever reaches it (with `session_persistence: true`, which credentials.yml sets). Here the
room is entered at once, as before 5.10, and an already finished future is returned, so
code that does await it keeps working.
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional

from socketio import AsyncServer


def enter_room(self: AsyncServer, sid: str, room: Any, namespace: Optional[str] = None
               ) -> "asyncio.Future[None]":
    """AsyncServer.enter_room that joins at once, returning a finished future."""
    self.manager.basic_enter_room(sid, namespace or "/", room)
    done: "asyncio.Future[None]" = asyncio.get_running_loop().create_future()
    done.set_result(None)
    return done


def apply() -> None:
    """Patches python-socketio 5.10 and later; older versions are left alone."""
    if asyncio.iscoroutinefunction(AsyncServer.enter_room):  # python-socketio 5.10+
        AsyncServer.enter_room = enter_room  # type: ignore[assignment]
