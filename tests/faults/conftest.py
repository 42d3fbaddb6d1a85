"""The production configuration (one Rasa server on PostgreSQL and Redis, the action
server, the backend), started once for the package; each test breaks one part and restores
it. PostgreSQL and Redis are the machine's own: the tests that stop them always start them
again, even when they fail."""

from __future__ import annotations

from typing import AsyncIterator

import pytest_asyncio

from bot.bench.production import Cluster, running


@pytest_asyncio.fixture(loop_scope="package", scope="package")
async def cluster(tmp_path_factory) -> AsyncIterator[Cluster]:
    async with running(tmp_path_factory.mktemp("faults"), rasa_count=1) as started:
        yield started
