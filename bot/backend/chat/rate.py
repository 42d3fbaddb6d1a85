"""A token bucket per connection: a short burst is fine, a flood is slowed down."""

from __future__ import annotations

import time
from collections.abc import Callable

BURST = 10


class TokenBucket:
    """Allows `per_minute` frames a minute on average, up to BURST at once."""

    def __init__(self, per_minute: int, burst: int = BURST,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = per_minute / 60.0
        self._capacity = float(burst)
        self._tokens = float(burst)
        self._clock = clock
        self._last = clock()

    def allow(self) -> bool:
        """Take one token if there is one."""
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._last) * self._rate)
        self._last = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True
