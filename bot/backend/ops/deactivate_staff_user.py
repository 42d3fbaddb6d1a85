"""Take away a staff member's access at once (a leaver, a lost phone, a suspected breach).

Usage:
    python -m bot.backend.ops.deactivate_staff_user --email ana@example.org

The account is kept (the audit log and notes still name it) but can no longer sign in,
and every session it has is deleted, so an open browser is signed out at its next click.
Cases it holds stay assigned; a supervisor reassigns them from the queue.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys

from sqlalchemy import delete, select

from bot.backend.settings import ConfigError, Settings
from bot.backend.storage import audit, migrate
from bot.backend.storage.db import create_database_engine, delete_rows, session_factory
from bot.backend.storage.models import StaffSession, StaffUser


async def deactivate(settings: Settings, email: str) -> int | None:
    """Deactivate the account; return how many sessions ended, or None if there is none."""
    engine = create_database_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        async with session_factory(engine).begin() as session:
            user = await session.scalar(
                select(StaffUser).where(StaffUser.email == email.strip().lower()))
            if user is None:
                return None
            user.active = False
            ended = await delete_rows(session, delete(StaffSession).where(
                StaffSession.user_id == user.id))
            audit.record(session, audit.SYSTEM, "staff_user.deactivated",
                         dt.datetime.now(dt.UTC), object_type="staff_user", object_id=user.id,
                         detail=audit.counts(sessions_ended=ended))
            return ended
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and deactivate the account."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--email", required=True)
    args = parser.parse_args(argv)
    try:
        ended = asyncio.run(deactivate(Settings.from_env(), args.email))
    except ConfigError as error:
        sys.exit(f"deactivate_staff_user: {error}")
    if ended is None:
        sys.exit("deactivate_staff_user: there is no account with that email")
    print(f"deactivated {args.email.strip().lower()}; {ended} session(s) ended")


if __name__ == "__main__":
    main()
