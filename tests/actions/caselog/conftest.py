"""Case-file tests: real databases (SQLite and PostgreSQL, from `outbox_url`), the real
directory, and a fixed clock."""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterator, List

import pytest
from cryptography.fernet import Fernet, MultiFernet

from actions.caselog.case_file import CaseFile
from bot.directory import Directory, load_directory

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="session")
def directory() -> Directory:
    return load_directory()


@pytest.fixture
def cipher() -> MultiFernet:
    return MultiFernet([Fernet(Fernet.generate_key())])


@pytest.fixture
def open_case_file(outbox_url: str, cipher: MultiFernet,
                   directory: Directory) -> Iterator[Callable[[], CaseFile]]:
    """Opens case files on the test's database, as a restarted process or another replica
    would (same keys); closes them all afterwards."""
    opened: List[CaseFile] = []

    def open_one() -> CaseFile:
        opened.append(CaseFile.open(outbox_url, cipher, {p.id for p in directory.platforms}))
        return opened[-1]

    yield open_one
    for case_file in opened:
        case_file.close()


@pytest.fixture
def case_file(open_case_file: Callable[[], CaseFile]) -> CaseFile:
    return open_case_file()
