"""Action tests: trackers built from plain data, a real outbox in a temporary folder."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from cryptography.fernet import Fernet
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import referrals as referrals_module

SLOTS = ["age_group", "age", "country", "role", "perpetrator", "situation", "platforms",
         "groups", "journey", "risk_flags", "routes_offered", "services_offered",
         "handoff_consent", "handoff_contact_method", "handoff_contact_details",
         "handoff_safe_time", "handoff_summary", "handoff_confirmed", "requested_slot"]


def make_tracker(slots: Optional[Dict[str, Any]] = None, text: str = "hi",
                 intent: str = "greet", flags: Optional[List[str]] = None,
                 active_loop: Optional[str] = None, channel: Optional[str] = None,
                 events: Optional[List[Dict[str, Any]]] = None,
                 sender: str = "conversation-1") -> Tracker:
    values = {name: None for name in SLOTS}
    values.update(slots or {})
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0},
               "entities": [], "metadata": {"channel": channel} if channel else {}}
    if flags is not None:
        message["safety"] = {"flags": flags}
    return Tracker(sender, values, message, events or [], False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


@pytest.fixture
def tracker_factory():
    return make_tracker


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


@pytest.fixture
def outbox_env(tmp_path, monkeypatch):
    """A fresh referral service writing to a temporary outbox, no backend."""
    monkeypatch.setenv("OUTBOX_PATH", str(tmp_path / "outbox.db"))
    monkeypatch.setenv("TRACKER_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    monkeypatch.delenv("BACKEND_URL", raising=False)
    referrals_module.referrals.cache_clear()
    yield referrals_module.referrals()
    referrals_module.referrals().outbox.close()
    referrals_module.referrals.cache_clear()


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or m.get("response") or "" for m in dispatcher.messages)
