"""Chat lanes: one chat in order, chats in parallel, floods bounded, duplicates dropped."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update

from bot.telegram.ordering import ChatLanes, ChatOrderedProcessor, LaneFull, RecentUpdates


def update(update_id: int, chat_id: int) -> Update:
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": "hi",
        "chat": {"id": chat_id, "type": "private"}}}, None)


async def test_a_chats_updates_run_in_order_and_other_chats_do_not_wait():
    processor = ChatOrderedProcessor(ChatLanes(), RecentUpdates())
    log: list[str] = []
    release_first = asyncio.Event()

    async def work(name: str, wait: asyncio.Event | None = None) -> None:
        log.append(f"start {name}")
        if wait:
            await wait.wait()
        log.append(f"end {name}")

    jobs = [(update(1, 10), work("a1", release_first)), (update(2, 10), work("a2")),
            (update(3, 20), work("b1"))]
    tasks = [asyncio.create_task(processor.process_update(u, job)) for u, job in jobs]
    await asyncio.sleep(0.05)
    # Chat 20 finished while chat 10's first update was still running; a2 has not started.
    assert log == ["start a1", "start b1", "end b1"]
    release_first.set()
    await asyncio.gather(*tasks)
    assert log[3:] == ["end a1", "start a2", "end a2"]


async def test_duplicate_updates_are_dropped():
    processor = ChatOrderedProcessor(ChatLanes(), RecentUpdates())
    ran: list[int] = []

    async def work(n: int) -> None:
        ran.append(n)

    for n in (1, 2):
        await processor.process_update(update(5, 10), work(n))
    assert ran == [1]


async def test_a_flooding_chat_is_bounded_told_once_and_others_still_run():
    lanes = ChatLanes(per_chat=2)
    processor = ChatOrderedProcessor(lanes, RecentUpdates())
    told: list[int] = []
    processor.on_overflow = told.append
    hold = asyncio.Event()
    ran: list[int] = []

    async def work(n: int) -> None:
        await hold.wait()
        ran.append(n)

    tasks = [asyncio.create_task(processor.process_update(update(n, 10), work(n)))
             for n in range(1, 6)]
    other = asyncio.create_task(processor.process_update(update(99, 20), work(99)))
    await asyncio.sleep(0.05)
    hold.set()
    await asyncio.gather(*tasks, other)
    assert sorted(ran) == [1, 2, 99]  # 3, 4 and 5 found chat 10's lane full
    assert ran.index(1) < ran.index(2)
    assert told == [10]  # one notice for three dropped updates
    assert lanes.waiting == 0


async def test_a_lane_wait_can_time_out_and_a_full_lane_refuses_at_once():
    lanes = ChatLanes(per_chat=2)
    async with lanes.turn(1):
        with pytest.raises(TimeoutError):
            async with lanes.turn(1, wait=0.05):
                pass
        held = asyncio.Event()

        async def waiter() -> None:
            async with lanes.turn(1):
                held.set()

        task = asyncio.create_task(waiter())
        await asyncio.sleep(0.01)
        with pytest.raises(LaneFull):
            async with lanes.turn(1):
                pass
    await task
    assert held.is_set() and lanes.waiting == 0


async def test_chats_in_flight_are_bounded():
    lanes = ChatLanes(in_flight=2)
    running = 0
    peak = 0

    async def chat(chat_id: int) -> None:
        nonlocal running, peak
        async with lanes.turn(chat_id):
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.01)
            running -= 1

    await asyncio.gather(*(chat(n) for n in range(10)))
    assert peak == 2


def test_recent_updates_are_bounded():
    recent = RecentUpdates(size=3)
    assert all(recent.first_time(n) for n in (1, 2, 3, 4))
    assert recent.first_time(1)  # forgotten: only the last three are kept
    assert not recent.first_time(4)
