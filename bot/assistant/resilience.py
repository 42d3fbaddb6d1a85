"""Rasa 3.6 patched to fail gently and safely; applied by `python -m bot.assistant.serve`.

- The action server down or failing: Rasa would log the error, drop the action and say
  nothing. The failed action now says the degraded message (degraded.py), once per turn.
- The lock store (Redis) down: Rasa would log the exception with the message text and
  answer nothing. The message is now not processed at all (working without the lock could
  let two servers interleave one conversation), the person is asked to send it again, with
  the helplines, and the log names the failure without the message or the sender id.
- The tracker store (the database) failing: Rasa's FailSafeTrackerStore would treat the
  conversation as new and keep what follows in memory only, so the person would lose the
  conversation silently and a later save could mix a fresh session into the stored one.
  Its errors now reach handle_message below: nothing is processed, the person is told.
- Malformed input (guards.py): a REST body with a missing or malformed sender, message or
  metadata gets a 400 instead of reaching the shared "default" conversation or failing in
  the tracker store; other channels' messages with a malformed sender id are dropped; a
  message longer than MAX_MESSAGE_CHARS gets a kind request to split it, unprocessed.
"""

from __future__ import annotations

import logging
from typing import Any, List, Optional

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic.exceptions import InvalidUsage

from bot.assistant import degraded, guards

logger = logging.getLogger(__name__)

_original_run = RemoteAction.run
_original_handle_message = Agent.handle_message
_original_extract_sender = RestInput._extract_sender


def person_of(tracker: Optional[DialogueStateTracker]) -> degraded.Person:
    """The person as the degraded reply needs them (country and age), from the tracker's slots."""
    if tracker is None:
        return degraded.Person()
    return degraded.person_from_slots(tracker.get_slot("country"), tracker.get_slot("age"),
                                      tracker.get_slot("age_group"))


def said_this_turn(tracker: DialogueStateTracker) -> bool:
    """True when this turn already has a degraded reply, so it is said once."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.metadata or {}).get(degraded.DEGRADED_KEY):
            return True
    return False


def describe(exc: BaseException) -> str:
    """The failure's types, and what a store's client said about the connection, never
    the conversation: "LockError <- ConnectionError: Error 111 connecting to ...".
    SQLAlchemy's messages carry statements and parameters, so only their type is kept;
    a database driver's message keeps its first line (details can quote values)."""
    parts: List[str] = []
    seen: Optional[BaseException] = exc
    while seen is not None and len(parts) < 4:
        name, module = type(seen).__name__, type(seen).__module__
        if module.startswith("redis"):
            parts.append(f"{name}: {seen}")
        elif module.startswith(("psycopg", "sqlite3")):
            parts.append(f"{name}: {(str(seen).strip().splitlines() or [''])[0]}")
        else:
            parts.append(name)
        seen = seen.__cause__ or seen.__context__
    return " <- ".join(parts)


async def run_remote_action(self: RemoteAction, output_channel: Any, nlg: Any,
                            tracker: DialogueStateTracker, domain: Any) -> List[Event]:
    """RemoteAction.run; a failure becomes the degraded message instead of silence."""
    try:
        return await _original_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise  # a form's normal "not this one": Rasa predicts something else
    except Exception as exc:
        logger.error("action server failed running %s (%s); the person was given the "
                     "helplines instead", self.name(), describe(exc))
        if said_this_turn(tracker):
            return []
        text = degraded.message(degraded.Outage.ACTIONS, person_of(tracker))
        return [BotUttered(text, metadata={degraded.DEGRADED_KEY: degraded.Outage.ACTIONS.value})]


async def _say(message: UserMessage, text: str) -> None:
    try:
        await message.output_channel.send_text_message(message.sender_id, text)
    except Exception as exc:  # the channel itself is gone: nothing more we can do
        logger.error("could not send a reply on %s (%s)", message.input_channel, describe(exc))


async def _stored_person(agent: Agent, sender_id: str) -> degraded.Person:
    try:  # read only, for the person's country and age; never saved back
        return person_of(await agent.tracker_store.retrieve(sender_id))
    except Exception:
        return degraded.Person()


async def handle_message(self: Agent, message: UserMessage) -> Optional[List[Any]]:
    """Agent.handle_message with input guards and a gentle answer when a store fails."""
    if not self.is_ready():
        return await _original_handle_message(self, message)
    if not guards.valid_sender_id(message.sender_id):
        logger.warning("message from %s dropped: malformed sender id", message.input_channel)
        return None
    if guards.too_long(message.text):
        await _say(message, guards.TOO_LONG_REPLY)
        return None
    entered = processed = False
    result = None
    try:
        async with self.lock_store.lock(message.sender_id):
            entered = True
            result = await self.processor.handle_message(message)  # type: ignore[union-attr]
            processed = True
    except Exception as exc:
        if processed:  # only releasing the lock failed; it expires by itself
            logger.warning("lock store failed releasing a lock (%s)", describe(exc))
            return result
        what = "handling failed" if entered else "lock store unavailable"
        logger.error("%s, message not processed (%s); the person was asked to send it "
                     "again", what, describe(exc))
        person = await _stored_person(self, message.sender_id)
        await _say(message, degraded.message(degraded.Outage.STORE, person))
        return None
    return result


async def retrieve_or_fail(self: FailSafeTrackerStore,
                           sender_id: str) -> Optional[DialogueStateTracker]:
    """FailSafeTrackerStore.retrieve, raising instead of starting the conversation anew."""
    return await self._tracker_store.retrieve(sender_id)


async def save_or_fail(self: FailSafeTrackerStore, tracker: DialogueStateTracker) -> None:
    """FailSafeTrackerStore.save, raising instead of keeping the tracker in memory only."""
    await self._tracker_store.save(tracker)


async def extract_sender(self: RestInput, request: Any) -> Optional[str]:
    """RestInput._extract_sender, refusing a body the guards do not accept with a 400."""
    problem = guards.rest_body_problem(request.json)
    if problem:
        raise InvalidUsage(problem)
    return await _original_extract_sender(self, request)


def apply() -> None:
    """Patches Rasa's action runner, message handler, REST input and fail-safe tracker store."""
    RemoteAction.run = run_remote_action  # type: ignore[assignment]
    Agent.handle_message = handle_message  # type: ignore[assignment]
    RestInput._extract_sender = extract_sender  # type: ignore[assignment]
    FailSafeTrackerStore.retrieve = retrieve_or_fail  # type: ignore[assignment]
    FailSafeTrackerStore.save = save_or_fail  # type: ignore[assignment]
