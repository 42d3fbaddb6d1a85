"""Action server settings, from the environment, with laptop defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    charity_name: str
    team_hours: Optional[str]
    retention_days: int
    outbox_path: Path
    outbox_database_url: Optional[str]
    backend_url: Optional[str]
    backend_token: Optional[str]
    encryption_keys: str

    @classmethod
    def from_env(cls) -> "Settings":
        outbox = Path(os.environ.get("OUTBOX_PATH", "var/outbox.db"))
        return cls(
            # Shown in the welcome; a deployment sets its own name.
            charity_name=os.environ.get("CHARITY_NAME", "this charity"),
            # Said to people asking for a person; unset means no promise about hours.
            team_hours=os.environ.get("TEAM_HOURS") or None,
            retention_days=int(os.environ.get("RETENTION_DAYS", "90")),
            outbox_path=outbox if outbox.is_absolute() else PROJECT_ROOT / outbox,
            # Set (postgresql://...): the outbox is a table every replica shares, and
            # OUTBOX_PATH is not used. Unset: a SQLite file, for one process.
            outbox_database_url=os.environ.get("OUTBOX_DATABASE_URL") or None,
            # Unset: referrals stay in the local outbox (a laptop without the backend).
            backend_url=os.environ.get("BACKEND_URL") or None,
            backend_token=os.environ.get("BACKEND_SERVICE_TOKEN") or None,
            # Same keys as the tracker store: contact details are encrypted at rest.
            encryption_keys=os.environ.get("TRACKER_ENCRYPTION_KEYS", ""),
        )

    @property
    def outbox_url(self) -> str:
        return self.outbox_database_url or f"sqlite:///{self.outbox_path}"
