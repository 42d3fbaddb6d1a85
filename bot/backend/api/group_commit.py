"""Group commit: requests that arrive together are applied in one transaction.

Every commit costs a disk flush, and SQLite has a single writer, so one event per
transaction caps ingest at well under the 500 referrals a second we need. Instead, events
that arrive while a batch is being written wait, and go together in the next batch: one
transaction and a handful of set-based statements for the lot. Under light load a batch
is a single event, so nobody waits for company.

A batch that fails is retried item by item, so one bad item cannot fail its neighbours.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
MAX_BATCH = 100


class GroupCommit(Generic[Item, Result]):
    """Queues items and applies them in batches with `apply`, in arrival order."""

    def __init__(self, apply: Callable[[list[Item]], Awaitable[list[Result]]],
                 max_batch: int = MAX_BATCH) -> None:
        self._apply = apply
        self._max_batch = max_batch
        self._pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        """Apply the item with whatever else is waiting; return its own result."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return await future

    async def close(self) -> None:
        """Wait for the batch being written (at shutdown)."""
        if self._worker is not None:
            await self._worker

    async def _drain(self) -> None:
        while self._pending:
            batch = self._pending[:self._max_batch]
            del self._pending[:self._max_batch]
            await self._run(batch)

    async def _run(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        try:
            results = await self._apply([item for item, _ in batch])
        except Exception as error:  # handed to the waiting request, which reports it
            if len(batch) > 1:
                for entry in batch:
                    await self._run([entry])
            elif not batch[0][1].done():
                batch[0][1].set_exception(error)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():  # its request may have gone away meanwhile
                future.set_result(result)
