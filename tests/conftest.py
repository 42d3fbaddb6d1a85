"""Shared fixtures: real PostgreSQL databases, created per test session and dropped after."""

from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin_connection():
    try:
        import psycopg  # services env
        return psycopg.connect(PG_ADMIN_URL, autocommit=True)
    except ImportError:
        import psycopg2  # Rasa env
        conn = psycopg2.connect(PG_ADMIN_URL)
        conn.autocommit = True
        return conn


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, uniquely named database on the real PostgreSQL server."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    conn = _admin_connection()
    cur = conn.cursor()
    cur.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()
