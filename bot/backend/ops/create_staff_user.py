"""Create a staff account, reading the password from standard input.

Usage:
    python -m bot.backend.ops.create_staff_user --email ana@example.org --role advisor
    make staff-user EMAIL=ana@example.org ROLE=advisor

At a terminal the password is asked for twice without echo; otherwise the first line of
standard input is the password, so it never appears in the process list or shell history.
Every role in MFA_ROLES (all of them by default) sets up an authenticator at first sign-in,
and is then shown ten recovery codes once. A password on the list of common and breached
passwords (staff/breached.py) is refused.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import re
import sys
import uuid

from sqlalchemy.exc import IntegrityError

from bot.backend.settings import ConfigError, Settings
from bot.backend.staff.passwords import check_strength, hash_password
from bot.backend.storage import audit, migrate
from bot.backend.storage.db import create_database_engine, session_factory
from bot.backend.storage.models import StaffUser
from bot.backend.storage.vocab import STAFF_ROLES

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s.]{2,63}$")


class CreationError(Exception):
    """The account cannot be created; the message says why."""


def read_password() -> str:
    """Twice without echo at a terminal; otherwise the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise CreationError("the passwords did not match")
        return first
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


async def create_user(settings: Settings, email: str, role: str, password: str) -> uuid.UUID:
    """Insert the account (migrating the database first); return its id."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise CreationError("that does not look like an email address")
    if role not in STAFF_ROLES:
        raise CreationError(f"the role must be one of {', '.join(STAFF_ROLES)}")
    problem = check_strength(password, email)
    if problem:
        raise CreationError(problem)
    password_hash = await asyncio.to_thread(hash_password, password)
    engine = create_database_engine(settings.database_url)
    now = dt.datetime.now(dt.UTC)
    user_id = uuid.uuid4()
    try:
        await migrate.upgrade(engine)
        async with session_factory(engine).begin() as session:
            session.add(StaffUser(id=user_id, email=email, role=role,
                                  password_hash=password_hash, failed_logins=0, active=True,
                                  created_at=now))
            audit.record(session, audit.SYSTEM, "staff_user.created", now,
                         object_type="staff_user", object_id=user_id, detail=f"role={role}")
    except IntegrityError:
        raise CreationError("an account with that email already exists") from None
    finally:
        await engine.dispose()
    return user_id


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, read the password, create the account."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--email", required=True)
    parser.add_argument("--role", required=True, choices=STAFF_ROLES)
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        password = read_password()
        asyncio.run(create_user(settings, args.email, args.role, password))
    except (CreationError, ConfigError) as error:
        sys.exit(f"create_staff_user: {error}")
    print(f"created {args.role} {args.email.strip().lower()}")


if __name__ == "__main__":
    main()
