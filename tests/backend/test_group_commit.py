"""Group commit: batching, results routed to the right caller, failures isolated."""

from __future__ import annotations

import asyncio

import pytest

from bot.backend.api.group_commit import GroupCommit

pytestmark = pytest.mark.asyncio


class Recorder:
    """An apply function that records its batches and can fail on a chosen item."""

    def __init__(self, poison: int | None = None) -> None:
        self.batches: list[list[int]] = []
        self.poison = poison

    async def __call__(self, items: list[int]) -> list[int]:
        self.batches.append(list(items))
        await asyncio.sleep(0.01)  # like a commit: others arrive meanwhile
        if self.poison in items:
            raise ValueError(f"bad item {self.poison}")
        return [item * 10 for item in items]


async def test_waiting_items_share_a_batch_and_get_their_own_results() -> None:
    recorder = Recorder()
    queue: GroupCommit[int, int] = GroupCommit(recorder)
    first = asyncio.ensure_future(queue.submit(0))
    await asyncio.sleep(0.001)  # the first batch is being written
    results = await asyncio.gather(*(queue.submit(n) for n in range(1, 10)))
    assert await first == 0
    assert results == [n * 10 for n in range(1, 10)]
    assert recorder.batches == [[0], list(range(1, 10))], "the rest waited and went together"


async def test_batches_keep_arrival_order_and_respect_the_size_limit() -> None:
    recorder = Recorder()
    queue: GroupCommit[int, int] = GroupCommit(recorder, max_batch=3)
    await asyncio.gather(*(queue.submit(n) for n in range(8)))
    assert [item for batch in recorder.batches for item in batch] == list(range(8))
    assert max(len(batch) for batch in recorder.batches) == 3


async def test_one_bad_item_does_not_fail_its_neighbours() -> None:
    recorder = Recorder(poison=4)
    queue: GroupCommit[int, int] = GroupCommit(recorder)
    results = await asyncio.gather(*(queue.submit(n) for n in range(8)),
                                   return_exceptions=True)
    assert isinstance(results[4], ValueError)
    assert [r for i, r in enumerate(results) if i != 4] == [0, 10, 20, 30, 50, 60, 70]
    assert [4] in recorder.batches, "the failed batch was retried item by item"


async def test_a_caller_that_gives_up_does_not_break_the_batch() -> None:
    recorder = Recorder()
    queue: GroupCommit[int, int] = GroupCommit(recorder)
    first = asyncio.ensure_future(queue.submit(1))
    impatient = asyncio.ensure_future(queue.submit(2))
    patient = asyncio.ensure_future(queue.submit(3))
    await asyncio.sleep(0)
    impatient.cancel()
    assert await patient == 30
    assert await first == 10
    await queue.close()
    # Still applied: its request has gone, and the outbox's retry will get the same result.
    assert any(2 in batch for batch in recorder.batches)
