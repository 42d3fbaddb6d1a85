"""Which messages are in each chat, so /clear can delete them: ids only, never text.

Kept in a small SQLite file so /clear still works after the gateway restarts. A row is a
conversation id (the encrypted chat id, never the chat id itself), a Telegram message id
and when it was sent. Telegram lets a bot delete messages for 48 hours, so older rows are
useless and are purged; each chat keeps at most its newest 500 ids.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

DELETABLE_SECONDS = 48 * 3600
PER_CHAT = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    conversation TEXT NOT NULL,
    message_id INTEGER NOT NULL,
    sent_at REAL NOT NULL,
    PRIMARY KEY (conversation, message_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS messages_sent_at ON messages (sent_at);
"""


class MessageLog:
    """Message ids per conversation, bounded by age and by count."""

    def __init__(self, path: str, per_chat: int = PER_CHAT,
                 max_age: float = DELETABLE_SECONDS) -> None:
        if path != ":memory:":
            _create_private(Path(path))
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)
        self._per_chat = per_chat
        self._max_age = max_age

    def add(self, conversation: str, message_id: int, now: float | None = None) -> None:
        """Remembers one message in a chat, forgetting what can no longer be deleted."""
        now = time.time() if now is None else now
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT OR REPLACE INTO messages VALUES (?, ?, ?)",
                (conversation, message_id, now))
            self._db.execute("DELETE FROM messages WHERE sent_at < ?", (now - self._max_age,))
            self._db.execute(
                "DELETE FROM messages WHERE conversation = ? AND message_id NOT IN ("
                " SELECT message_id FROM messages WHERE conversation = ?"
                " ORDER BY message_id DESC LIMIT ?)",
                (conversation, conversation, self._per_chat))

    def take(self, conversation: str, now: float | None = None) -> list[int]:
        """The chat's deletable message ids, oldest first, forgotten as they are handed out."""
        now = time.time() if now is None else now
        with self._db:
            self._db.execute("BEGIN")
            rows = self._db.execute(
                "SELECT message_id FROM messages WHERE conversation = ? AND sent_at >= ?"
                " ORDER BY message_id", (conversation, now - self._max_age)).fetchall()
            self._db.execute("DELETE FROM messages WHERE conversation = ?", (conversation,))
        return [row[0] for row in rows]

    def close(self) -> None:
        """Closes the file (the gateway's shutdown)."""
        self._db.close()


def _create_private(path: Path) -> None:
    """Creates the file readable by this user only; SQLite's own files follow its mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    os.chmod(path, 0o600)
