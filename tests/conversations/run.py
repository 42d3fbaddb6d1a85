"""Runs the conversation set through the real assistant and reports how it treats people.

Usage (services environment, with a trained model in models/):
    python -m tests.conversations.run                 # the whole set, thresholds apply
    python -m tests.conversations.run --only sextortion --only uk-adult-ex-shared-insta
    make test-conversations

Starts Rasa, the action server and the backend on free ports (tests/support/servers.py),
plays each conversation through Rasa's REST webhook as the web widget would, a few at once,
and prints: the pass rate, the safety cases, the share of first substantive replies that
hold a concrete step, and the fallbacks (and those where an entity had been extracted).
Every failing conversation is printed with its turns, the replies and what failed. A JSON
summary goes to results/conversations.json. Exits 1 when a threshold is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import aiohttp

from bot.directory import load_directory
from tests.conversations.matching import (
    ConcreteSteps,
    button_payload,
    failed_expectations,
    is_bare_greeting,
    is_fallback,
    visible_text,
)
from tests.conversations.schema import Conversation, load_set
from tests.support.servers import running

ROOT = Path(__file__).resolve().parents[2]
SUMMARY_PATH = ROOT / "results" / "conversations.json"
MIN_PASS_RATE = 0.95
REQUEST_SECONDS = 120


@dataclass
class TurnResult:
    said: str
    reply: str = ""
    problems: List[str] = field(default_factory=list)
    fallback: bool = False
    entities: List[Dict[str, Any]] = field(default_factory=list)
    concrete: bool = False


@dataclass
class ConversationResult:
    id: str
    file: str
    safety: bool
    turns: List[TurnResult] = field(default_factory=list)
    # The reply to the first turn that is not a bare greeting held a concrete step.
    first_substantive_concrete: Optional[bool] = None

    @property
    def passed(self) -> bool:
        return all(not t.problems for t in self.turns)


class Assistant:
    """The running assistant as a widget user meets it, plus the HTTP API for parses."""

    def __init__(self, session: aiohttp.ClientSession, rasa_url: str, token: str) -> None:
        self.session = session
        self.rasa_url = rasa_url
        self.token = token

    async def send(self, sender: str, message: str) -> List[Dict[str, Any]]:
        body = {"sender": sender, "message": message, "metadata": {"channel": "widget"}}
        async with self.session.post(f"{self.rasa_url}/webhooks/rest/webhook",
                                     json=body) as response:
            if response.status != 200:
                raise RuntimeError(f"webhook answered HTTP {response.status}")
            return await response.json()

    async def last_entities(self, sender: str) -> List[Dict[str, Any]]:
        """The entities extracted from the person's latest message."""
        async with self.session.get(f"{self.rasa_url}/conversations/{sender}/tracker",
                                    headers={"Authorization": f"Bearer {self.token}"}
                                    ) as response:
            if response.status != 200:
                raise RuntimeError(f"tracker answered HTTP {response.status}")
            tracker = await response.json()
        for event in reversed(tracker.get("events") or []):
            if event.get("event") == "user":
                return (event.get("parse_data") or {}).get("entities") or []
        return []


async def play(conversation: Conversation, assistant: Assistant,
               concrete: ConcreteSteps) -> ConversationResult:
    """Plays one conversation turn by turn, checking each reply as it comes."""
    result = ConversationResult(conversation.id, conversation.file, conversation.is_safety)
    sender = f"set-{conversation.id}-{uuid.uuid4().hex[:12]}"
    previous: List[Dict[str, Any]] = []
    for turn in conversation.turns:
        outcome = TurnResult(turn.shown)
        result.turns.append(outcome)
        message = turn.say
        if turn.press is not None:
            message = button_payload(previous, turn.press)
            if message is None:
                outcome.problems.append(f"no button titled {turn.press!r} in the previous reply")
                break
        try:
            previous = await assistant.send(sender, message)
            outcome.reply = visible_text(previous)
            outcome.fallback = is_fallback(outcome.reply)
            if outcome.fallback:
                outcome.entities = await assistant.last_entities(sender)
        except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError, ValueError) as exc:
            outcome.problems.append(f"the assistant could not be reached: {exc!r}")
            break
        outcome.concrete = concrete.holds(outcome.reply)
        outcome.problems += failed_expectations(turn.expect, outcome.reply, outcome.concrete)
        if result.first_substantive_concrete is None and not (
                turn.say is not None and is_bare_greeting(turn.say)):
            result.first_substantive_concrete = outcome.concrete
    return result


async def play_all(conversations: Sequence[Conversation], rasa_url: str, token: str,
                   concrete: ConcreteSteps, at_once: int) -> List[ConversationResult]:
    """Every conversation, `at_once` at a time, in the set's order."""
    gate = asyncio.Semaphore(at_once)
    timeout = aiohttp.ClientTimeout(total=REQUEST_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        assistant = Assistant(session, rasa_url, token)

        async def one(conversation: Conversation) -> ConversationResult:
            async with gate:
                return await play(conversation, assistant, concrete)

        return list(await asyncio.gather(*(one(c) for c in conversations)))


@dataclass
class Figures:
    conversations: int
    passed: int
    safety: int
    safety_passed: int
    first_substantive: int
    first_concrete: int
    fallbacks: int
    fallbacks_with_entity: int

    @property
    def pass_rate(self) -> float:
        return self.passed / self.conversations if self.conversations else 0.0

    @property
    def concrete_share(self) -> float:
        return self.first_concrete / self.first_substantive if self.first_substantive else 0.0

    def missed(self) -> List[str]:
        """The thresholds this run missed (empty when it passes)."""
        missed = []
        if self.safety_passed < self.safety:
            missed.append(f"safety: {self.safety - self.safety_passed} case(s) failed")
        if self.pass_rate < MIN_PASS_RATE:
            missed.append(f"pass rate {self.pass_rate:.1%} is below {MIN_PASS_RATE:.0%}")
        if self.fallbacks_with_entity:
            missed.append(f"{self.fallbacks_with_entity} fallback(s) after an entity was extracted")
        return missed


def figures(results: Sequence[ConversationResult]) -> Figures:
    turns = [t for r in results for t in r.turns]
    firsts = [r.first_substantive_concrete for r in results
              if r.first_substantive_concrete is not None]
    return Figures(
        conversations=len(results), passed=sum(r.passed for r in results),
        safety=sum(r.safety for r in results),
        safety_passed=sum(r.safety and r.passed for r in results),
        first_substantive=len(firsts), first_concrete=sum(firsts),
        fallbacks=sum(t.fallback for t in turns),
        fallbacks_with_entity=sum(t.fallback and bool(t.entities) for t in turns))


def failure_report(result: ConversationResult) -> str:
    lines = [f"FAIL {result.id} ({result.file}){' [safety]' if result.safety else ''}"]
    for number, turn in enumerate(result.turns, 1):
        lines.append(f"  {number}. person: {turn.said}")
        reply = turn.reply.strip().replace("\n", "\n        ") or "(no reply)"
        lines.append(f"     assistant: {reply}")
        if turn.fallback:
            names = ", ".join(f"{e.get('entity')}={e.get('value')!r}" for e in turn.entities)
            lines.append(f"     fallback{' with entities: ' + names if names else ''}")
        lines += [f"     ✗ {problem}" for problem in turn.problems]
    return "\n".join(lines)


def summary_text(results: Sequence[ConversationResult], f: Figures) -> str:
    by_file: Dict[str, Counter] = {}
    for r in results:
        by_file.setdefault(r.file, Counter())["passed" if r.passed else "failed"] += 1
    lines = ["", "Conversation set: results",
             f"  passed                {f.passed}/{f.conversations} ({f.pass_rate:.1%}); "
             f"threshold {MIN_PASS_RATE:.0%}",
             f"  safety cases          {f.safety_passed}/{f.safety} passed; threshold all"]
    lines += [f"    failed: {r.id}" for r in results if r.safety and not r.passed]
    lines += [f"  first substantive replies with a concrete step   "
              f"{f.first_concrete}/{f.first_substantive} ({f.concrete_share:.1%})",
              f"  fallback replies      {f.fallbacks}, of which after an extracted entity: "
              f"{f.fallbacks_with_entity}; threshold 0",
              "  by file:"]
    for name, count in sorted(by_file.items()):
        total = count["passed"] + count["failed"]
        lines.append(f"    {name:<22} {count['passed']}/{total}")
    return "\n".join(lines)


def write_summary(path: Path, results: Sequence[ConversationResult], f: Figures) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "figures": {**asdict(f), "pass_rate": round(f.pass_rate, 4),
                    "concrete_share": round(f.concrete_share, 4)},
        "thresholds": {"min_pass_rate": MIN_PASS_RATE, "safety": "all",
                       "fallbacks_with_entity": 0},
        "missed": f.missed(),
        "conversations": [{**asdict(r), "passed": r.passed} for r in results],
    }
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def select(conversations: Sequence[Conversation], only: Sequence[str]) -> List[Conversation]:
    """The conversations whose id, tag or file stem is in `only` (all when it is empty)."""
    if not only:
        return list(conversations)
    wanted = set(only)
    return [c for c in conversations
            if c.id in wanted or wanted.intersection(c.tags) or Path(c.file).stem in wanted]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[],
                        help="run only this id, tag or file stem (repeatable)")
    parser.add_argument("--at-once", type=int, default=4,
                        help="conversations played at the same time (default 4)")
    parser.add_argument("--summary", type=Path, default=SUMMARY_PATH,
                        help="where to write the JSON summary")
    args = parser.parse_args(argv)
    conversations = select(load_set(), args.only)
    if not conversations:
        parser.error(f"no conversation matches {args.only}")
    concrete = ConcreteSteps.from_directory(load_directory())
    print(f"Starting the assistant to play {len(conversations)} conversations...", flush=True)
    with tempfile.TemporaryDirectory(prefix="conversations-") as var, running(Path(var)) as stack:
        results = asyncio.run(play_all(conversations, stack.rasa, stack.env["RASA_TOKEN"],
                                       concrete, max(1, args.at_once)))
    for result in results:
        if not result.passed:
            print(failure_report(result), end="\n\n")
    f = figures(results)
    print(summary_text(results, f))
    write_summary(args.summary, results, f)
    print(f"  summary written to {args.summary}")
    missed = f.missed()
    for reason in missed:
        print(f"THRESHOLD MISSED: {reason}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
