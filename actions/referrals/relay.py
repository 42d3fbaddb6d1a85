"""Delivers the outbox to the backend, in order, deleting rows only once acknowledged.

A transient failure (network, 5xx, 429, auth misconfiguration) stops the round and the
row is retried with exponential backoff, so order is kept. A permanent rejection (other
4xx) is set aside for an operator and logged without its contents.

Every action-server process runs a relay, but only the one whose turn it is delivers
(turn.py): on a shared outbox the others stand by, and take over if it dies.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Optional, Tuple
from urllib.parse import quote

import aiohttp

from actions.referrals.outbox import Outbox, OutboxRow

logger = logging.getLogger(__name__)

TRANSIENT_STATUSES = {401, 403, 408, 425, 429}
MAX_BACKOFF = 300.0
# How long the relay waits, unless kicked, when nothing is queued: on a shared outbox other
# replicas queue rows without kicking this relay, so it looks often (a cheap count).
IDLE_INTERVAL = 30.0
SHARED_IDLE_INTERVAL = 2.0
# How often a relay standing by (or after a failed round) tries again.
STANDBY_INTERVAL = 5.0


class Relay:
    """Delivers the outbox to the backend's API while it is this process's turn."""

    def __init__(self, outbox: Outbox, backend_url: str, token: str,
                 timeout: float = 5.0) -> None:
        self.outbox = outbox
        self.backend_url = backend_url.rstrip("/")
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.turn = outbox.relay_turn()
        self._wake = asyncio.Event()

    def kick(self) -> None:
        """Something was queued: deliver now rather than at the next interval."""
        self._wake.set()

    def _request(self, row: OutboxRow) -> Tuple[str, str, Optional[dict]]:
        base = f"{self.backend_url}/api/v1"
        conversation = quote(row.payload.get("conversation_id", ""), safe="")
        if row.kind == "erase":
            return "DELETE", f"{base}/conversations/{conversation}", None
        if row.kind == "withdraw":
            return "POST", f"{base}/conversations/{conversation}/withdraw", None
        return "POST", f"{base}/events", row.payload

    async def deliver_pending(self, session: aiohttp.ClientSession) -> int:
        """One round, if it is this relay's turn: delivers due rows in order; returns how
        many were delivered."""
        if not self.turn.take():
            return 0
        delivered = 0
        for row in self.outbox.due():
            if not self.turn.held():
                return delivered  # another relay may be delivering these rows now
            method, url, body = self._request(row)
            try:
                async with session.request(
                        method, url, json=body,
                        headers={"Authorization": f"Bearer {self.token}"}) as response:
                    status = response.status
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                logger.warning("backend unreachable (%s); %s %s will be retried",
                               type(exc).__name__, row.kind, row.id)
                self.outbox.retry_later(row.seq, self._backoff(row.attempts))
                return delivered
            if 200 <= status < 300:
                self.outbox.delivered(row.seq)
                delivered += 1
            elif status >= 500 or status in TRANSIENT_STATUSES:
                logger.warning("backend answered %d; %s %s will be retried",
                               status, row.kind, row.id)
                self.outbox.retry_later(row.seq, self._backoff(row.attempts))
                return delivered
            else:
                logger.error("backend rejected %s %s with %d; set aside for an operator",
                             row.kind, row.id, status)
                self.outbox.give_up(row.seq)
        return delivered

    @staticmethod
    def _backoff(attempts: int) -> float:
        return min(MAX_BACKOFF, 1.0 * 2 ** attempts)

    async def run(self) -> None:
        """Delivers forever: on every kick, and every few seconds; gives the turn up when
        cancelled."""
        try:
            async with aiohttp.ClientSession(timeout=self.timeout) as session:
                while True:
                    self._wake.clear()
                    try:
                        while await self.deliver_pending(session):
                            pass
                        wait = self._next_wait()
                    except Exception:  # never let one bad round stop delivery for good
                        logger.exception("outbox relay round failed")
                        wait = STANDBY_INTERVAL
                    await self._sleep(wait)
        finally:
            self.turn.release()

    async def _sleep(self, seconds: float) -> None:
        """Until kicked or `seconds` have passed. Not `wait_for`: on Python 3.10 it can
        swallow a cancellation that comes with a kick, and the relay would never stop."""
        kicked = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({kicked}, timeout=seconds)
        finally:
            kicked.cancel()

    def _next_wait(self) -> float:
        if not self.turn.held():
            return STANDBY_INTERVAL
        if self.outbox.count(include_dead=False):
            return 1.0
        return SHARED_IDLE_INTERVAL if self.outbox.shared else IDLE_INTERVAL
