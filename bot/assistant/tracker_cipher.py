"""The key ring that encrypts conversations at rest, without Rasa.

TRACKER_ENCRYPTION_KEYS holds comma-separated Fernet keys: the first encrypts, all
decrypt, so keys can be rotated. The tracker store (tracker_store.py) encrypts Rasa's
events with it and the action server's outbox (actions/referrals) the referrals it queues.
This module imports no Rasa, so the action server never loads Rasa core to get a key.
"""

from __future__ import annotations

import os
from typing import Optional

from cryptography.fernet import Fernet, MultiFernet

KEYS_ENV = "TRACKER_ENCRYPTION_KEYS"


class TrackerStoreConfigError(RuntimeError):
    """The keys are missing or malformed: nothing may be stored unencrypted."""


def cipher_from_env(value: Optional[str] = None) -> MultiFernet:
    """The key ring from `value`, or from TRACKER_ENCRYPTION_KEYS when `value` is None;
    refuses to run without a key rather than store conversations in clear text."""
    raw = value if value is not None else os.environ.get(KEYS_ENV, "")
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    if not keys:
        raise TrackerStoreConfigError(
            f"{KEYS_ENV} is not set: conversations must be encrypted at rest. "
            "Generate a key with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'")
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as exc:
        raise TrackerStoreConfigError(f"{KEYS_ENV} holds an invalid key: {exc}") from exc
