"""Alembic environment: runs on a connection the app hands over, or opens its own.

The app and `python -m bot.backend.storage.migrate` pass their connection in
`config.attributes["connection"]`; Alembic's command line has none, so one is opened from
DATABASE_URL.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from bot.backend.settings import Settings
from bot.backend.storage.db import run_in_transaction
from bot.backend.storage.migrate import owned_by_backend
from bot.backend.storage.models import Base


def run_migrations(connection: Connection) -> None:
    """Apply migrations on one connection, in one transaction."""
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
        include_name=owned_by_backend,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    """Use the connection handed over, or open one for the command line."""
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
    run_in_transaction(Settings.from_env().database_url, run_migrations)


main()
