"""The reminder runner delivers each due reminder exactly once, marks it sent only after a
send succeeded, retries a failed send later, and never says what a reminder is about in
its logs."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import List, Tuple

from actions.caselog.reminder_runner import ReminderRunner
from actions.caselog.reminders import Reminder
from tests.actions.caselog.conftest import NOW

ME = "telegram-5550001"
HOUR = dt.timedelta(hours=1)


class Clock:
    """A clock the test moves."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class FakeSend:
    """Records deliveries; answers from a script of outcomes (True, False or an error)."""

    def __init__(self, *outcomes: object) -> None:
        self.outcomes = list(outcomes)
        self.calls: List[Tuple[str, Reminder]] = []

    async def __call__(self, conversation_id: str, reminder: Reminder) -> bool:
        self.calls.append((conversation_id, reminder))
        await asyncio.sleep(0)  # let another runner interleave
        outcome = self.outcomes.pop(0) if self.outcomes else True
        if isinstance(outcome, Exception):
            raise outcome
        return bool(outcome)


async def test_a_due_reminder_is_sent_once_and_forgotten(case_file):
    made = case_file.reminders.add(ME, NOW + 2 * HOUR, entry=3, text="check reddit", now=NOW)
    clock, send = Clock(NOW + HOUR), FakeSend()
    runner = ReminderRunner(case_file.reminders, send, clock)
    assert await runner.run_once() == 0 and send.calls == []  # not due yet
    clock.now = NOW + 2 * HOUR
    assert await runner.run_once() == 1
    assert send.calls == [(ME, made)]
    clock.now += HOUR
    assert await runner.run_once() == 0
    assert len(send.calls) == 1 and case_file.reminders.pending(ME) == []


async def test_a_failed_send_is_retried_later_not_marked_sent(case_file):
    case_file.reminders.add(ME, NOW + HOUR, text="check", now=NOW)
    clock = Clock(NOW + HOUR)
    send = FakeSend(False, ConnectionError("rasa is down"), True)
    runner = ReminderRunner(case_file.reminders, send, clock,
                            retry_after=dt.timedelta(minutes=2))
    assert await runner.run_once() == 0
    assert len(case_file.reminders.pending(ME)) == 1
    assert await runner.run_once() == 0 and len(send.calls) == 1  # waiting to retry
    clock.now += dt.timedelta(minutes=2)
    assert await runner.run_once() == 0 and len(send.calls) == 2  # raised: kept
    clock.now += dt.timedelta(minutes=3)
    assert await runner.run_once() == 0 and len(send.calls) == 2  # backoff doubled
    clock.now += dt.timedelta(minutes=1)
    assert await runner.run_once() == 1 and len(send.calls) == 3
    assert [r.attempts for _, r in send.calls] == [0, 1, 2]
    assert case_file.reminders.pending(ME) == []


async def test_a_reminder_that_never_goes_through_is_dropped(case_file):
    case_file.reminders.add(ME, NOW + HOUR, text="check", now=NOW)
    clock, send = Clock(NOW + HOUR), FakeSend(False, False, False)
    runner = ReminderRunner(case_file.reminders, send, clock, max_attempts=3)
    for _ in range(3):
        await runner.run_once()
        clock.now += dt.timedelta(days=1)
    assert len(send.calls) == 3 and case_file.reminders.pending(ME) == []
    await runner.run_once()
    assert len(send.calls) == 3


async def test_runners_in_several_processes_send_each_reminder_once(open_case_file):
    stores = [open_case_file().reminders for _ in range(3)]
    for i in range(6):
        stores[0].add(f"conversation-{i}", NOW + HOUR, text="check", now=NOW)
    send = FakeSend()
    clock = Clock(NOW + HOUR)
    runners = [ReminderRunner(store, send, clock) for store in stores]
    sent = await asyncio.gather(*(runner.run_once() for runner in runners))
    assert sum(sent) == 6
    assert sorted(conversation for conversation, _ in send.calls) == \
        [f"conversation-{i}" for i in range(6)]


async def test_reminders_survive_a_restart_of_the_runner_and_the_store(open_case_file):
    first = open_case_file()
    first.reminders.add(ME, NOW + HOUR, text="check", now=NOW)
    first.close()  # the process stops before the reminder is due
    send = FakeSend()
    runner = ReminderRunner(open_case_file().reminders, send, Clock(NOW + 3 * HOUR))
    assert await runner.run_once() == 1
    assert [conversation for conversation, _ in send.calls] == [ME]


async def test_the_loop_runs_until_stopped_and_survives_a_bad_round(case_file):
    case_file.reminders.add(ME, NOW + HOUR, text="check", now=NOW)
    clock = Clock(NOW + HOUR)
    delivered = asyncio.Event()

    async def send(conversation_id: str, reminder: Reminder) -> bool:
        delivered.set()
        return True

    runner = ReminderRunner(case_file.reminders, send, clock, interval=0.01)
    rounds = {"n": 0}
    real_once = runner.run_once

    async def flaky_once() -> int:
        rounds["n"] += 1
        if rounds["n"] == 1:
            raise ConnectionError("database restarting")
        return await real_once()

    runner.run_once = flaky_once  # type: ignore[method-assign]
    task = asyncio.create_task(runner.run())
    await asyncio.wait_for(delivered.wait(), 5)
    runner.stop()
    await asyncio.wait_for(task, 5)
    assert rounds["n"] >= 2 and case_file.reminders.pending(ME) == []


async def test_the_runner_logs_nothing_a_reminder_is_about(case_file, caplog):
    caplog.set_level(logging.DEBUG)
    case_file.reminders.add(ME, NOW + HOUR, entry=4, text="the reddit post by @rex",
                            now=NOW)
    runner = ReminderRunner(case_file.reminders,
                            FakeSend(False, RuntimeError(f"cannot reach {ME}")),
                            Clock(NOW + HOUR), max_attempts=2)
    await runner.run_once()
    runner.clock.now += HOUR  # type: ignore[attr-defined]
    await runner.run_once()
    assert "dropped" in caplog.text
    for secret in (ME, "reddit", "@rex"):
        assert secret not in caplog.text
