"""Counters that hold off floods by client address: in this process, or shared by every
backend process through Redis (REDIS_URL), so a flood spread over processes is one flood.

- `hit`/`count`: events in a fixed window (failed logins, new chat sessions, handoffs).
- `acquire`/`release`: things held at once (open chat connections).
- `remember`/`recall`: which client key opened a chat session, for the handoff limit.

Keys are client keys (clients.py), never raw addresses. When Redis fails, the counters
let everything through and say so in the log: a victim is never turned away because a
limiter is down, and the per-account lockout and per-connection limits still hold.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
# A held slot whose process died is forgotten after this long without a new one.
HELD_SECONDS = 3600
MAX_KEYS = 100_000


class Limits:
    """Window counts and held slots by key."""

    def __init__(self, redis: Redis | None, prefix: str,
                 clock: Callable[[], float] = time.time) -> None:
        self._redis = redis
        self._prefix = prefix
        self._clock = clock
        self._windows: dict[str, int] = {}
        self._held: dict[str, int] = {}
        self._notes: dict[str, tuple[str, float]] = {}

    def _window_key(self, key: str, window_seconds: float) -> str:
        return f"{self._prefix}w:{key}:{int(self._clock() // window_seconds)}"

    async def hit(self, key: str, window_seconds: float) -> int:
        """Count one more event; return how many the current window holds."""
        name = self._window_key(key, window_seconds)
        if self._redis is None:
            self._forget_old_windows()
            self._windows[name] = self._windows.get(name, 0) + 1
            return self._windows[name]
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, int(window_seconds) + 1)
                count, _ = await pipe.execute()
            return int(count)
        except RedisError as error:
            log.warning("limits: Redis failed (%s); not counting", type(error).__name__)
            return 0

    async def count(self, key: str, window_seconds: float) -> int:
        """How many events the current window holds."""
        name = self._window_key(key, window_seconds)
        if self._redis is None:
            return self._windows.get(name, 0)
        try:
            return int(await self._redis.get(name) or 0)
        except RedisError as error:
            log.warning("limits: Redis failed (%s); not counting", type(error).__name__)
            return 0

    async def acquire(self, key: str, limit: int) -> bool:
        """Take one of `limit` slots, if one is free."""
        name = f"{self._prefix}c:{key}"
        if self._redis is None:
            if self._held.get(name, 0) >= limit:
                return False
            self._held[name] = self._held.get(name, 0) + 1
            return True
        try:
            held = int(await self._redis.incr(name))
            await self._redis.expire(name, HELD_SECONDS)
            if held > limit:
                await self._redis.decr(name)
                return False
        except RedisError as error:
            log.warning("limits: Redis failed (%s); not counting", type(error).__name__)
        return True

    async def release(self, key: str) -> None:
        """Give a slot back."""
        name = f"{self._prefix}c:{key}"
        if self._redis is None:
            left = self._held.get(name, 0) - 1
            if left > 0:
                self._held[name] = left
            else:
                self._held.pop(name, None)
            return
        try:
            if int(await self._redis.decr(name)) <= 0:
                await self._redis.delete(name)
        except RedisError as error:
            log.warning("limits: Redis failed (%s); slot not released", type(error).__name__)

    async def remember(self, name: str, value: str, seconds: float) -> None:
        """Keep a short value under a name for `seconds`."""
        if self._redis is None:
            if len(self._notes) > MAX_KEYS:
                now = self._clock()
                self._notes = {k: v for k, v in self._notes.items() if v[1] > now}
            self._notes[name] = (value, self._clock() + seconds)
            return
        try:
            await self._redis.set(f"{self._prefix}n:{name}", value, ex=max(1, int(seconds)))
        except RedisError as error:
            log.warning("limits: Redis failed (%s); not remembered", type(error).__name__)

    async def recall(self, name: str) -> str | None:
        """What `remember` kept under the name, if it has not expired."""
        if self._redis is None:
            value, until = self._notes.get(name, ("", 0.0))
            return value if until > self._clock() else None
        try:
            raw = await self._redis.get(f"{self._prefix}n:{name}")
        except RedisError as error:
            log.warning("limits: Redis failed (%s); not recalled", type(error).__name__)
            return None
        return raw.decode() if isinstance(raw, bytes) else raw

    async def close(self) -> None:
        """Close the Redis connection, if there is one."""
        if self._redis is not None:
            await self._redis.aclose()

    def _forget_old_windows(self) -> None:
        if len(self._windows) > MAX_KEYS:
            self._windows.clear()  # crude, and only under a flood of distinct addresses
