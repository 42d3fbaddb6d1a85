"""The degraded replies and input guards, without servers: what they say and refuse."""

from __future__ import annotations

import itertools
import re
from typing import Any, List

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import LockError
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.assistant import degraded, guards, resilience
from bot.directory import Person, cached_directory

NUMBER = re.compile(r"(?<![\w/.-])\+?\d[\d ]{1,14}\d(?![\w/-])|(?<![\w/])\d{3}(?![\w/])")
URL = re.compile(r"https://\S+")


def directory_text() -> str:
    d = cached_directory()
    parts: List[str] = [j.emergency for j in d.jurisdictions]
    for s in d.services:
        c = s.contact
        parts += [c.phone or "", c.text or "", c.web or "", c.chat or "", c.email or ""]
    return "\n".join(parts)


@pytest.mark.parametrize("outage,country,age", itertools.product(
    list(degraded.Outage), ["GB-ENG", "GB-SCT", "GB", "IE", "US", "AU", "CA", "OTHER", None],
    [15, 30, None]))
def test_every_number_and_link_comes_from_the_directory(outage, country, age):
    text = degraded.message(outage, Person(country=country, age=age))
    source = directory_text()
    assert NUMBER.findall(text), "the message always gives numbers"
    for number in NUMBER.findall(text):
        assert number.strip() in source, number
    for url in URL.findall(text):
        assert url.rstrip(".,)") in source, url


def test_crisis_lines_and_the_right_helplines_for_the_person():
    uk_adult = degraded.message(degraded.Outage.ACTIONS, Person(country="GB-ENG", age=30))
    assert "999" in uk_adult and "116 123" in uk_adult  # Samaritans
    assert "0345 6000 459" in uk_adult  # Revenge Porn Helpline, for adults
    uk_child = degraded.message(degraded.Outage.ACTIONS, Person(country="GB-ENG", age=15))
    assert "0800 1111" in uk_child and "0345 6000 459" not in uk_child  # Childline
    assert "000" in degraded.message(degraded.Outage.STORE, Person(country="AU"))


def test_malformed_slots_are_ignored():
    assert degraded.person_from_slots(["GB"], "thirty", "grown-up") == Person()
    assert degraded.person_from_slots("IE", 16.0, None) == Person(country="IE", age=16)


@pytest.mark.parametrize("sender", [None, "", " ", "a b", "x" * 129, "caf\u00e9", "a\x00b",
                                    "../x", "a/b", "x' OR '1'='1", "\u202eabc", 42, ["a"],
                                    {"a": 1}])
def test_malformed_sender_ids_are_refused(sender: Any):
    assert not guards.valid_sender_id(sender)
    assert guards.rest_body_problem({"sender": sender, "message": "hi"})


@pytest.mark.parametrize("sender", ["a", "e2e-0123abcd", "tg-AbC_d-9", "web-Zm9v_-9", "x" * 128,
                                    "0f1e2d3c4b5a69788796a5b4c3d2e1f0"])
def test_channel_sender_ids_are_accepted(sender: str):
    assert guards.valid_sender_id(sender)
    assert guards.rest_body_problem({"sender": sender, "message": "hi"}) is None


@pytest.mark.parametrize("body", [None, [], "hi", {"sender": "a", "message": 5},
                                  {"sender": "a", "message": "hi", "metadata": "x"},
                                  {"sender": "a", "message": "hi", "input_channel": "<b>"}])
def test_malformed_rest_bodies_are_refused(body: Any):
    assert guards.rest_body_problem(body)


def tracker(*events: Any) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("t", list(events), slots=[])


def test_the_degraded_message_is_said_once_a_turn():
    said = BotUttered("x", metadata={degraded.DEGRADED_KEY: "actions"})
    assert resilience.said_this_turn(tracker(UserUttered("hi"), said))
    assert not resilience.said_this_turn(tracker(said, UserUttered("hi")))


async def test_a_failing_action_gives_the_helplines_instead_of_silence(unused_tcp_port: int):
    action = RemoteAction("action_anything",
                          EndpointConfig(f"http://127.0.0.1:{unused_tcp_port}/webhook"))
    events = await resilience.run_remote_action(action, None, None, tracker(UserUttered("hi")),
                                                None)
    assert len(events) == 1 and isinstance(events[0], BotUttered)
    assert "isn't working" in events[0].text and "116 123" in events[0].text
    again = await resilience.run_remote_action(
        action, None, None, tracker(UserUttered("hi"), events[0]), None)
    assert again == []


async def test_a_form_rejection_still_reaches_rasa(monkeypatch):
    async def reject(*_args: Any) -> None:
        raise ActionExecutionRejection("validate_x")

    monkeypatch.setattr(resilience, "_original_run", reject)
    with pytest.raises(ActionExecutionRejection):
        await resilience.run_remote_action(RemoteAction("validate_x", None), None, None,
                                           tracker(), None)


class BrokenLockStore:
    def lock(self, _conversation_id: str) -> Any:
        raise LockError("Error while acquiring lock. Error:\nError 111 connecting")


class Processor:
    def __init__(self) -> None:
        self.handled: List[str] = []

    async def handle_message(self, message: UserMessage) -> List[Any]:
        self.handled.append(message.text)
        return []


class FakeAgent:
    def __init__(self, lock_store: Any) -> None:
        self.lock_store = lock_store
        self.processor = Processor()
        self.tracker_store = None  # reading the person's slots fails: the UK is assumed

    def is_ready(self) -> bool:
        return True


async def test_without_the_lock_store_nothing_is_processed_and_the_person_is_told(caplog):
    agent = FakeAgent(BrokenLockStore())
    out = CollectingOutputChannel()
    result = await resilience.handle_message(agent, UserMessage("secret words", out, "s1"))
    assert result is None and agent.processor.handled == []
    text = "\n".join(m["text"] for m in out.messages)
    assert "didn't reach me" in text and "999" in text
    assert "lock store unavailable" in caplog.text
    assert "secret words" not in caplog.text and "s1" not in caplog.text


async def test_too_long_or_unaddressed_messages_are_not_processed():
    agent = FakeAgent(BrokenLockStore())
    out = CollectingOutputChannel()
    await resilience.handle_message(agent, UserMessage("x" * 4001, out, "s1"))
    assert out.messages[0]["text"].startswith("That message is longer")
    assert await resilience.handle_message(agent, UserMessage("hi", out, "a b")) is None
    assert len(out.messages) == 1 and agent.processor.handled == []


def test_failures_are_described_without_the_conversation():
    import psycopg2
    import redis
    from sqlalchemy.exc import OperationalError

    try:
        try:
            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")
        except redis.ConnectionError as cause:
            raise LockError("Could not acquire lock for conversation_id 'secret-id'") from cause
    except LockError as exc:
        text = resilience.describe(exc)
    assert text == "LockError <- ConnectionError: Error 111 connecting to 127.0.0.1:6379."
    statement = OperationalError("SELECT 1 WHERE sender_id = %s", ("secret-id",),
                                 psycopg2.OperationalError("server closed the connection\nDETAIL: x"))
    statement.__cause__ = statement.orig
    assert resilience.describe(statement) == (
        "OperationalError <- OperationalError: server closed the connection")
