"""Encrypt the tracker store's old plaintext rows, and move every row to the newest key.

Usage:
    TRACKER_DATABASE_URL=... TRACKER_ENCRYPTION_KEYS=new,old \\
        python -m bot.assistant.reencrypt_tracker [--rotate] [--batch 500]

Rows written before encryption was switched on hold their event as plain JSON (and an
intent name in clear, `intent_name`, which can say "crisis_self_harm"); the tracker store
still reads them (tracker_store.py) but never rewrote them. This rewrites each one
encrypted under the first key and empties the two plain-text columns. With --rotate, rows
already encrypted under an older key are re-encrypted under the first, so the old key can
then be removed from TRACKER_ENCRYPTION_KEYS. Rows are read and written in batches by id,
each batch one transaction, so it can run beside a live Rasa and be stopped and rerun.
A row that is neither JSON nor readable with any key is left alone and counted.

Run it as the role that owns the tracker store (deploy/postgres/: `rasa`). It prints
counts only, never contents.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from typing import Any, Optional

import sqlalchemy as sa
from cryptography.fernet import InvalidToken, MultiFernet

from bot.assistant.tracker_cipher import TrackerStoreConfigError, cipher_from_env

_BATCH = sa.text("SELECT id, data, intent_name, action_name FROM events "
                 "WHERE id > :after ORDER BY id LIMIT :size")
_UPDATE = sa.text("UPDATE events SET data = :data, intent_name = NULL, action_name = NULL "
                  "WHERE id = :id")


@dataclass
class Counts:
    """What one run did."""

    encrypted: int = 0
    rotated: int = 0
    unchanged: int = 0
    unreadable: int = 0


def reencrypt(engine: Any, cipher: MultiFernet, rotate: bool, batch: int = 500) -> Counts:
    """Walk the events table once; return what was done."""
    counts = Counts()
    if not sa.inspect(engine).has_table("events"):
        return counts
    after = 0
    while True:
        with engine.begin() as connection:
            rows = connection.execute(_BATCH, {"after": after, "size": batch}).fetchall()
            for row in rows:
                new = _rewritten(cipher, row, rotate, counts)
                if new is not None:
                    connection.execute(_UPDATE, {"data": new, "id": row.id})
        if len(rows) < batch:
            return counts
        after = rows[-1].id


def _rewritten(cipher: MultiFernet, row: Any, rotate: bool, counts: Counts) -> Optional[str]:
    data = row.data or ""
    try:
        token = data.encode()
        cipher.decrypt(token)
    except InvalidToken:
        if data.lstrip().startswith("{"):
            counts.encrypted += 1
            return cipher.encrypt(data.encode()).decode()
        counts.unreadable += 1
        return None
    if row.intent_name or row.action_name:
        counts.rotated += 1
        return cipher.rotate(token).decode()
    if rotate:
        counts.rotated += 1
        return cipher.rotate(token).decode()
    counts.unchanged += 1
    return None


def main() -> None:
    """Run once over TRACKER_DATABASE_URL with TRACKER_ENCRYPTION_KEYS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rotate", action="store_true",
                        help="also re-encrypt rows under older keys with the first key")
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    url = os.environ.get("TRACKER_DATABASE_URL", "")
    if not url:
        sys.exit("reencrypt_tracker: TRACKER_DATABASE_URL is not set")
    try:
        cipher = cipher_from_env()
    except TrackerStoreConfigError as error:
        sys.exit(f"reencrypt_tracker: {error}")
    engine = sa.create_engine(url, pool_pre_ping=True, hide_parameters=True)
    try:
        counts = reencrypt(engine, cipher, args.rotate, max(1, args.batch))
    finally:
        engine.dispose()
    print(f"encrypted {counts.encrypted} plaintext rows, re-encrypted {counts.rotated} "
          f"under the first key, left {counts.unchanged}; {counts.unreadable} unreadable")


if __name__ == "__main__":
    main()
