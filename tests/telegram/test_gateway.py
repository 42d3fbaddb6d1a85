"""The gateway's work for one chat, against a stub bot and a stub assistant."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from typing import Any

from telegram.error import BadRequest

from bot.telegram.buttons import ButtonStore
from bot.telegram.gateway import Delivery, Gateway
from bot.telegram.ids import ConversationIds
from bot.telegram.ordering import ChatLanes
from bot.telegram.rasa_client import AssistantUnavailable
from bot.telegram.sent import MessageLog


@dataclass
class Sent:
    message_id: int


@dataclass
class StubBot:
    calls: list[tuple[str, Any]] = field(default_factory=list)
    refuse_batches: bool = False
    next_id: int = 100

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Sent:
        self.next_id += 1
        self.calls.append(("send", text))
        return Sent(self.next_id)

    async def send_chat_action(self, chat_id: int, action: str) -> bool:
        return True

    async def delete_messages(self, chat_id: int, message_ids: Any) -> bool:
        if self.refuse_batches:
            raise BadRequest("Method not found")  # an older self-hosted Bot API server
        self.calls.append(("delete_batch", list(message_ids)))
        return True

    async def delete_message(self, chat_id: int, message_id: int) -> bool:
        self.calls.append(("delete", message_id))
        return True


class StubAssistant:
    def __init__(self, replies: Any) -> None:
        self.replies = replies

    async def send(self, sender: str, message: str) -> Any:
        if isinstance(self.replies, Exception):
            raise self.replies
        return self.replies


def gateway(tmp_path, bot: StubBot, replies: Any = (), lanes: ChatLanes | None = None,
            log: MessageLog | None = None) -> Gateway:
    return Gateway(bot, ConversationIds(os.urandom(64)), StubAssistant(replies), None,
                   ButtonStore(), log or MessageLog(str(tmp_path / "t.db")),
                   lanes or ChatLanes(), "sorry", 1.0)


async def test_a_quiet_assistant_is_not_a_failure(tmp_path):
    bot = StubBot()
    await gateway(tmp_path, bot, replies=[]).converse(1, "hello")
    assert bot.calls == []  # a staff member has taken over: no reply, no apology


async def test_an_unavailable_assistant_gets_the_apology(tmp_path):
    bot = StubBot()
    await gateway(tmp_path, bot, replies=AssistantUnavailable("down")).converse(1, "hello")
    assert bot.calls == [("send", "sorry")]


async def test_clear_deletes_in_batches_or_one_by_one(tmp_path):
    bot = StubBot()
    g = gateway(tmp_path, bot, replies=[{"text": f"r{n}"} for n in range(150)])
    await g.converse(1, "hello")
    assert await g.clear(1) == 150
    assert [len(ids) for kind, ids in bot.calls if kind == "delete_batch"] == [100, 50]
    bot.refuse_batches = True
    await g.converse(1, "hello")
    bot.calls.clear()
    await g.clear(1)
    assert [kind for kind, _ in bot.calls] == ["delete"] * 150


async def test_a_failing_message_log_never_stops_the_conversation(tmp_path, caplog):
    log = MessageLog(str(tmp_path / "t.db"))
    log.close()  # every write now fails
    bot = StubBot()
    await gateway(tmp_path, bot, replies=[{"text": "a"}, {"text": "b"}], log=log).converse(1, "x")
    assert [text for _, text in bot.calls] == ["a", "b"]
    assert "could not note a message id" in caplog.text


async def test_a_staff_message_waits_its_turn_or_reports_busy(tmp_path):
    lanes = ChatLanes(per_chat=1)
    g = gateway(tmp_path, StubBot(), lanes=lanes)
    async with lanes.turn(1):  # the chat is busy with the person's own message
        assert await g.deliver_staff_message(1, "Sam: hi") == Delivery.BUSY
    assert await g.deliver_staff_message(1, "Sam: hi") == Delivery.SENT
    assert await asyncio.wait_for(g.deliver_staff_message(2, "Sam: hi"), 5) == Delivery.SENT
