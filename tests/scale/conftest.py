"""Two Rasa servers sharing the tracker store (local PostgreSQL) and the lock store (local
Redis), with the action server and the backend: started once for the module."""

from __future__ import annotations

from typing import AsyncIterator

import pytest_asyncio

from bot.bench.production import Cluster, running


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def cluster(tmp_path_factory) -> AsyncIterator[Cluster]:
    async with running(tmp_path_factory.mktemp("scale"), rasa_count=2) as started:
        yield started
