"""Referral logging for actions: one interface, the outbox behind it.

Actions call `referrals().record(...)`, `.erase(...)` or `.withdraw(...)`; they never know
whether a backend is configured. Events follow the backend's ingest contract
(POST /api/v1/events) and hold no message text: only triage codes, flags, route names,
directory ids and, for a handoff the person approved, their note and contact details.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, Dict, Iterable, Optional

from actions.referrals.outbox import Outbox
from actions.referrals.relay import Relay
from actions.settings import Settings
from bot.assistant.tracker_cipher import cipher_from_env
from bot.contract import RISK_FLAGS, ROUTES


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


class Referrals:
    """Referrals, handoffs, erasures and withdrawals, queued in the outbox for the team."""

    def __init__(self, outbox: Outbox, relay: Optional[Relay], retention_days: int) -> None:
        self.outbox = outbox
        self.relay = relay
        self.retention_days = retention_days

    def record(self, kind: str, conversation_id: str, channel: str, triage: Dict[str, Any],
               risk_flags: Iterable[str], routes: Iterable[str], services: Iterable[str],
               platforms: Iterable[str], handoff: Optional[Dict[str, Any]] = None) -> str:
        """Queues a referral (or an approved handoff); returns its idempotency id."""
        event = {
            "kind": kind,
            "conversation_id": conversation_id,
            "channel": channel,
            "created_at": _now(),
            **triage,
            "risk_flags": sorted(set(risk_flags) & set(RISK_FLAGS)),
            "routes_offered": sorted(set(routes) & set(ROUTES)),
            "services_offered": sorted(set(services)),
            "platforms": sorted(set(platforms)),
            "consent": handoff is not None,
            "consent_at": _now() if handoff is not None else None,
            "handoff": handoff,
        }
        event_id = self.outbox.add(kind, conversation_id, event)
        self.outbox.purge_older_than(self.retention_days)
        # The person's own log keeps the same retention (actions/caselog).
        from actions.caselog.case_file import case_file  # built on first use
        case_file().purge_older_than(self.retention_days)
        self._kick()
        return event_id

    def erase(self, conversation_id: str) -> int:
        """Forgets a conversation here and, through the backend, everywhere."""
        dropped = self.outbox.erase(conversation_id, notify_backend=self.relay is not None)
        self._kick()
        return dropped

    def withdraw(self, conversation_id: str) -> None:
        """The person no longer wants to be contacted."""
        if self.relay is None:
            self.outbox.erase(conversation_id, notify_backend=False)
            return
        self.outbox.add("withdraw", conversation_id, {"conversation_id": conversation_id})
        self._kick()

    def _kick(self) -> None:
        if self.relay is not None:
            self.relay.kick()


def build(settings: Settings) -> Referrals:
    """The outbox, and the relay to the backend when one is configured."""
    outbox = Outbox(settings.outbox_url, cipher_from_env(settings.encryption_keys))
    relay = None
    if settings.backend_url and settings.backend_token:  # Settings refuses a URL alone
        relay = Relay(outbox, settings.backend_url, settings.backend_token)
    return Referrals(outbox, relay, settings.retention_days)


@lru_cache(maxsize=1)
def referrals() -> Referrals:
    """The process's referral service, built on first use (never at import)."""
    return build(Settings.from_env())
