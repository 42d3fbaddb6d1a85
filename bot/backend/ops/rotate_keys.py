"""Re-encrypt every stored secret under the first key of BACKEND_ENCRYPTION_KEYS.

Rotation, step by step:
    1. Generate a key:  python -c 'from cryptography.fernet import Fernet;
                                   print(Fernet.generate_key().decode())'
    2. Put it first in BACKEND_ENCRYPTION_KEYS, keep the old key after it; restart.
       New data is now encrypted with the new key, old data still decrypts.
    3. Run `python -m bot.backend.ops.rotate_keys`: every encrypted column is re-encrypted
       and every conversation lookup hash recomputed with the new key.
    4. Remove the old key from BACKEND_ENCRYPTION_KEYS; restart.

It works in batches, locking each batch's rows, so it can run while the backend serves.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.backend.settings import ConfigError, Settings
from bot.backend.storage import audit, migrate
from bot.backend.storage.crypto import Vault
from bot.backend.storage.db import create_database_engine, session_factory
from bot.backend.storage.models import Base, Handoff, Note, Referral, StaffSession, StaffUser

BATCH = 500
ENCRYPTED_COLUMNS: dict[type[Base], tuple[str, ...]] = {
    Referral: ("conversation_id_enc",),
    Handoff: ("summary_enc", "contact_details_enc", "safe_time_enc"),
    Note: ("body_enc",),
    StaffUser: ("totp_secret_enc",),
    StaffSession: ("totp_pending_enc",),
}


async def rotate(sessions: async_sessionmaker[AsyncSession], vault: Vault) -> dict[str, int]:
    """Re-encrypt every row; return how many rows of each table were rewritten."""
    rewritten = {model.__tablename__: 0 for model in ENCRYPTED_COLUMNS}
    for model, columns in ENCRYPTED_COLUMNS.items():
        key = model.__mapper__.primary_key[0]
        last = None
        while True:
            async with sessions.begin() as session:
                query = select(model).order_by(key).limit(BATCH).with_for_update()
                if last is not None:
                    query = query.where(key > last)
                rows = list(await session.scalars(query))
                for row in rows:
                    _rotate_row(vault, row, columns)
            if not rows:
                break
            rewritten[model.__tablename__] += len(rows)
            last = getattr(rows[-1], key.name)
    async with sessions.begin() as session:
        audit.record(session, audit.SYSTEM, "keys.rotated", dt.datetime.now(dt.UTC),
                     detail=audit.counts(**rewritten))
    return rewritten


def _rotate_row(vault: Vault, row: Base, columns: tuple[str, ...]) -> None:
    for column in columns:
        token = getattr(row, column)
        if token is not None:
            setattr(row, column, vault.rotate(token))
    if isinstance(row, Referral):
        row.conversation_hash = vault.lookup_hash(vault.decrypt(row.conversation_id_enc))


async def _main(settings: Settings) -> dict[str, int]:
    engine = create_database_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        return await rotate(session_factory(engine), Vault(settings.encryption_keys))
    finally:
        await engine.dispose()


def main() -> None:
    """Rotate the database named by DATABASE_URL."""
    try:
        settings = Settings.from_env()
        settings.require_encryption_keys()
    except ConfigError as error:
        sys.exit(f"rotate_keys: {error}")
    rewritten = asyncio.run(_main(settings))
    print("re-encrypted: " + ", ".join(f"{table} {count}" for table, count in rewritten.items()))


if __name__ == "__main__":
    main()
