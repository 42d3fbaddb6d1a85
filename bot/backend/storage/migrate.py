"""Apply the Alembic migrations: at app start-up, or by hand.

Usage:
    python -m bot.backend.storage.migrate     # upgrades DATABASE_URL to the newest schema
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import NameFilterParentNames, NameFilterType
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.backend.settings import Settings
from bot.backend.storage.db import run_in_transaction
from bot.backend.storage.models import Base

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def owned_by_backend(
    name: str | None, type_: NameFilterType, _parents: NameFilterParentNames
) -> bool:
    """Alembic's include_name hook: compare only our tables.

    Rasa's tracker store may live in the same database; its `events` table is not ours
    to create or drop.
    """
    return type_ != "table" or name in Base.metadata.tables


def upgrade_connection(connection: Connection) -> None:
    """Bring the database behind this connection to the newest revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def upgrade(engine: AsyncEngine) -> None:
    """Upgrade from async code (the app's start-up)."""
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_connection)


def main() -> None:
    """Upgrade the database named by DATABASE_URL."""
    run_in_transaction(Settings.from_env().database_url, upgrade_connection)
    print("database is at the newest schema")


if __name__ == "__main__":
    main()
