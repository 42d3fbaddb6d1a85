"""End-to-end: the real Rasa server, action server and backend, once per session."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.support.servers import Stack, running


@pytest.fixture(scope="session")
def servers(tmp_path_factory) -> Iterator[Stack]:
    with running(tmp_path_factory.mktemp("var")) as stack:
        yield stack
