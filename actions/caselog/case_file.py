"""A person's case file: their log and their reminders, erased and purged together.

Actions call `case_file()` (built on first use, never at import) and use `.log`,
`.reminders` and `.documents` (copies waiting to be downloaded); "delete my data" calls
`.erase(conversation_id)`, and the retention purge
`.purge_older_than(settings.retention_days)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Collection, Optional

from cryptography.fernet import MultiFernet

from actions.caselog.documents import DocumentStore
from actions.caselog.log_store import CaseLog
from actions.caselog.reminders import ReminderStore
from actions.caselog.sharing import SharingStore
from actions.caselog.tables import open_case_database
from actions.settings import Settings
from bot.assistant.tracker_cipher import cipher_from_env
from bot.directory import cached_directory


@dataclass
class CaseFile:
    """One database's case logs and reminders."""

    log: CaseLog
    reminders: ReminderStore
    documents: DocumentStore
    sharing: SharingStore

    @classmethod
    def open(cls, url: str, cipher: MultiFernet, platform_ids: Collection[str]) -> "CaseFile":
        """Opens (and if need be creates) the case file's tables at `url`."""
        engine = open_case_database(url)
        return cls(CaseLog(engine, cipher, platform_ids), ReminderStore(engine, cipher),
                   DocumentStore(engine, cipher), SharingStore(engine))

    def erase(self, conversation_id: str) -> None:
        """Forgets everything of the conversation: its log, its numbering, its reminders."""
        self.reminders.cancel_all(conversation_id)
        self.documents.erase(conversation_id)
        self.sharing.withdraw(conversation_id)
        self.log.erase(conversation_id)

    def purge_older_than(self, days: int, now: Optional[dt.datetime] = None) -> int:
        """Forgets logs unchanged, and reminders made, more than `days` days ago; returns
        how many entries and reminders went."""
        self.documents.purge_expired()
        self.sharing.purge_older_than(days)
        return (self.log.purge_older_than(days, now)
                + self.reminders.purge_older_than(days, now))

    def close(self) -> None:
        """Closes the database connections."""
        self.log.engine.dispose()


def build(settings: Settings) -> CaseFile:
    """The case file in the outbox database, encrypted with the tracker store's keys."""
    platform_ids = {p.id for p in cached_directory().platforms}
    return CaseFile.open(settings.outbox_url, cipher_from_env(settings.encryption_keys),
                         platform_ids)


@lru_cache(maxsize=1)
def case_file() -> CaseFile:
    """The process's case file, built on first use."""
    return build(Settings.from_env())
