"""The conversation set's file format: typed records, validated when the YAML is loaded.

Each `tests/conversations/*.yml` file holds `conversations:`, a list of one- to four-turn
conversations. A turn either says something or presses a button offered in the previous
reply, and lists what its reply must and must not contain (see README.md beside this file).
Validation is strict and reports every fault at once, so a typo in an expectation can never
quietly turn a check into one that always passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, List, Optional, Sequence, Tuple

import yaml

SET_DIR = Path(__file__).resolve().parent
MAX_TURNS = 4
REGEX_PREFIX = "re:"
SAFETY_TAG = "safety"

_KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_CONVERSATION_KEYS = ("id", "about", "tags", "turns")
_EXPECT_LISTS = ("all", "any", "none")
_EXPECT_KEYS = _EXPECT_LISTS + ("first_reply_concrete",)


class SetError(ValueError):
    """The conversation files do not match the format; `problems` lists every fault."""

    def __init__(self, problems: List[str]) -> None:
        super().__init__("conversation set is invalid:\n  " + "\n  ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Expect:
    """What one reply must hold: every `all`, at least one `any`, no `none`."""

    all: Tuple[str, ...] = ()
    any: Tuple[str, ...] = ()
    none: Tuple[str, ...] = ()
    first_reply_concrete: bool = False


@dataclass(frozen=True)
class Turn:
    """One message from the person: typed text (`say`) or a button title (`press`)."""

    expect: Expect
    say: Optional[str] = None
    press: Optional[str] = None

    @property
    def shown(self) -> str:
        return self.say if self.say is not None else f"[press] {self.press}"


@dataclass(frozen=True)
class Conversation:
    id: str
    about: str
    tags: Tuple[str, ...]
    turns: Tuple[Turn, ...]
    file: str

    @property
    def is_safety(self) -> bool:
        return SAFETY_TAG in self.tags


def set_files(root: Path = SET_DIR) -> List[Path]:
    return sorted(root.glob("*.yml"))


def load_set(paths: Optional[Iterable[Path]] = None) -> List[Conversation]:
    """Every conversation in the set's files; raises SetError listing all faults."""
    problems: List[str] = []
    conversations: List[Conversation] = []
    for path in (list(paths) if paths is not None else set_files()):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            problems.append(f"{path.name}: cannot read: {exc}")
            continue
        conversations.extend(parse_document(doc, path.name, problems))
    seen = {}
    for c in conversations:
        if c.id in seen:
            problems.append(f"{c.file}:{c.id}: id also used in {seen[c.id]}")
        seen.setdefault(c.id, c.file)
    if not conversations and not problems:
        problems.append("no conversations found")
    if problems:
        raise SetError(problems)
    return conversations


def parse_document(doc: Any, file: str, problems: List[str]) -> List[Conversation]:
    """The conversations of one file's parsed YAML; faults are appended to `problems`."""
    if not isinstance(doc, dict) or set(doc) != {"conversations"}:
        problems.append(f"{file}: expected a mapping with the single key 'conversations'")
        return []
    items = doc["conversations"]
    if not isinstance(items, list) or not items:
        problems.append(f"{file}: 'conversations' must be a non-empty list")
        return []
    found = []
    for index, item in enumerate(items):
        conversation = _conversation(item, file, f"{file}[{index}]", problems)
        if conversation:
            found.append(conversation)
    return found


def _conversation(item: Any, file: str, where: str,
                  problems: List[str]) -> Optional[Conversation]:
    before = len(problems)
    if not _mapping(item, where, _CONVERSATION_KEYS, (), problems):
        return None
    cid = item["id"]
    if isinstance(cid, str) and _KEBAB.match(cid):
        where = f"{file}:{cid}"
    else:
        problems.append(f"{where}: id must be kebab-case text, got {cid!r}")
    if not isinstance(item["about"], str) or not item["about"].strip():
        problems.append(f"{where}: 'about' must be a line of text")
    tags = item["tags"]
    if not isinstance(tags, list) or not tags or not all(
            isinstance(t, str) and _KEBAB.match(t) for t in tags):
        problems.append(f"{where}: 'tags' must be a non-empty list of kebab-case words")
        tags = []
    turns = item["turns"]
    if not isinstance(turns, list) or not 1 <= len(turns) <= MAX_TURNS:
        problems.append(f"{where}: 'turns' must be a list of 1 to {MAX_TURNS} turns")
        turns = []
    parsed = [_turn(t, f"{where} turn {i + 1}", problems) for i, t in enumerate(turns)]
    if parsed and parsed[0] is not None and parsed[0].press is not None:
        problems.append(f"{where}: the first turn cannot press a button (none was offered)")
    if len(problems) > before:
        return None
    return Conversation(cid, item["about"].strip(), tuple(tags),
                        tuple(t for t in parsed if t), file)


def _turn(item: Any, where: str, problems: List[str]) -> Optional[Turn]:
    if not _mapping(item, where, ("expect",), ("say", "press"), problems):
        return None
    kinds = [k for k in ("say", "press") if k in item]
    if len(kinds) != 1:
        problems.append(f"{where}: needs exactly one of 'say' or 'press'")
        return None
    text = item[kinds[0]]
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: '{kinds[0]}' must be non-empty text")
        return None
    if kinds[0] == "press":
        _pattern(text, f"{where} press", problems)
    expect = _expect(item["expect"], where, problems)
    return Turn(expect, **{kinds[0]: text}) if expect else None


def _expect(item: Any, where: str, problems: List[str]) -> Optional[Expect]:
    where = f"{where} expect"
    if not _mapping(item, where, (), _EXPECT_KEYS, problems):
        return None
    lists = {}
    for key in _EXPECT_LISTS:
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                  for v in value):
            problems.append(f"{where}: '{key}' must be a list of non-empty text")
            return None
        for pattern in value:
            _pattern(pattern, f"{where} {key}", problems)
        lists[key] = tuple(value)
    concrete = item.get("first_reply_concrete", False)
    if not isinstance(concrete, bool):
        problems.append(f"{where}: 'first_reply_concrete' must be true or false")
        return None
    if not any(lists.values()) and not concrete:
        problems.append(f"{where}: checks nothing (give all, any, none or first_reply_concrete)")
        return None
    return Expect(first_reply_concrete=concrete, **lists)


def _pattern(pattern: str, where: str, problems: List[str]) -> None:
    if pattern.startswith(REGEX_PREFIX):
        try:
            re.compile(pattern[len(REGEX_PREFIX):])
        except re.error as exc:
            problems.append(f"{where}: bad regex {pattern!r}: {exc}")


def _mapping(value: Any, where: str, required: Sequence[str], optional: Sequence[str],
             problems: List[str]) -> bool:
    if not isinstance(value, dict):
        problems.append(f"{where}: expected a mapping")
        return False
    ok = True
    for key in required:
        if key not in value:
            problems.append(f"{where}: missing '{key}'")
            ok = False
    for key in value:
        if key not in required and key not in optional:
            problems.append(f"{where}: unknown key '{key}'")
            ok = False
    return ok
