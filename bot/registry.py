"""The journey registry (data/journeys/registry.yml): each journey once, one menu, and
every button the actions offer, with the questions the assistant may ask after helping.

The actions build their replies, menus and questions from it; the NLU reads its button
titles so that a title typed as text means its button; a test holds it against the domain
and the rules. Adding a journey is one entry here and one folder under data/journeys/.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

import yaml

from bot.contract import ROUTES

REGISTRY = Path(__file__).resolve().parents[1] / "data" / "journeys" / "registry.yml"
DETAIL = "detail"            # the entity a journey's "more" button carries
DETAIL_MORE = "more"


@dataclass(frozen=True)
class Button:
    """A button: what it says and what pressing it sends."""

    title: str
    payload: str

    def as_dict(self) -> Dict[str, str]:
        """The shape Rasa's dispatcher and the channels expect."""
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Journey:
    """One journey: how it is asked for, what it records, its buttons, what it needs."""

    name: str
    intent: str
    route: Optional[str] = None
    title: Optional[str] = None
    detail: Optional[str] = None
    needs: Tuple[str, ...] = ()
    entities: Mapping[str, str] = field(default_factory=dict)

    @property
    def payload(self) -> str:
        """What its menu button sends, and how to come back to it after an interruption."""
        return payload(self.intent, self.entities)

    @property
    def button(self) -> Optional[Button]:
        """Its menu button, or None for a journey without a title."""
        return Button(self.title, self.payload) if self.title else None

    @property
    def detail_button(self) -> Optional[Button]:
        """The button for its longer answer, or None when it has none."""
        if not self.detail:
            return None
        return Button(self.detail, payload(self.intent, {**self.entities, DETAIL: DETAIL_MORE}))


@dataclass(frozen=True)
class Question:
    """A question asked after helping, with its answers as buttons."""

    fact: str
    text: str
    options: Tuple[Button, ...]
    helper_text: Optional[str] = None
    yes: Optional[str] = None          # the option a typed "yes" means
    no: Optional[str] = None

    def option(self, title: Optional[str]) -> Optional[Button]:
        """The option with this title, or None."""
        return next((b for b in self.options if b.title == title), None)


@dataclass(frozen=True)
class Registry:
    """The journeys, the menu's order, the questions and the named buttons."""

    journeys: Tuple[Journey, ...]
    menu: Tuple[str, ...]
    questions: Mapping[str, Question]
    buttons: Mapping[str, Button]

    def journey(self, name: str) -> Journey:
        """One journey by name (KeyError if there is none)."""
        for j in self.journeys:
            if j.name == name:
                return j
        raise KeyError(name)

    def by_intent(self, intent: str, entities: Mapping[str, str] = {}) -> Optional[Journey]:
        """The journey an intent (with these entities) asks for; the most specific wins."""
        matching = [j for j in self.journeys if j.intent == intent
                    and all(entities.get(k) == v for k, v in j.entities.items())]
        return max(matching, key=lambda j: len(j.entities), default=None)

    def menu_buttons(self, *leave_out: str) -> List[Button]:
        """The one menu, without the journeys named."""
        return [self.journey(n).button for n in self.menu if n not in leave_out]

    def all_buttons(self) -> List[Button]:
        """Every button the actions can offer (for the NLU and the checks)."""
        found: List[Button] = []
        for j in self.journeys:
            found += [b for b in (j.button, j.detail_button) if b]
        for q in self.questions.values():
            found += q.options
        found += self.buttons.values()
        return found


def payload(intent: str, entities: Mapping[str, str] = {}) -> str:
    """"/intent" or "/intent{...}", as Rasa parses a button's payload."""
    return f"/{intent}" + (json.dumps(dict(entities)) if entities else "")


_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z_][\w-]*)(?P<entities>\{.*\})?$", re.DOTALL)


def parse_payload(text: str) -> Optional[Tuple[str, Dict[str, Any]]]:
    """(intent, entities) of a payload such as '/inform{"age_group": "adult"}', or None."""
    match = _PAYLOAD.match(text.strip())
    if not match:
        return None
    try:
        entities = json.loads(match.group("entities")) if match.group("entities") else {}
    except json.JSONDecodeError:
        return None
    return match.group("intent"), entities if isinstance(entities, dict) else {}


def _button(raw: Mapping[str, str]) -> Button:
    return Button(str(raw["title"]), str(raw["payload"]))


def parse(data: Mapping) -> Registry:
    """A registry from its YAML data; raises ValueError on anything inconsistent."""
    journeys = tuple(Journey(
        name=j["name"], intent=j["intent"], route=j.get("route"), title=j.get("title"),
        detail=j.get("detail"), needs=tuple(j.get("needs") or ()),
        entities=dict(j.get("entities") or {})) for j in data["journeys"])
    questions = {fact: Question(
        fact=fact, text=q["text"], helper_text=q.get("helper_text"), yes=q.get("yes"),
        no=q.get("no"), options=tuple(_button(o) for o in q["options"]))
        for fact, q in (data.get("questions") or {}).items()}
    registry = Registry(journeys=journeys, menu=tuple(data["menu"]), questions=questions,
                        buttons={k: _button(b) for k, b in (data.get("buttons") or {}).items()})
    _check(registry)
    return registry


def _check(registry: Registry) -> None:
    names = [j.name for j in registry.journeys]
    problems = [f"journey '{n}' is listed twice" for n in set(names) if names.count(n) > 1]
    for j in registry.journeys:
        if j.route is not None and j.route not in ROUTES:
            problems.append(f"journey '{j.name}': route '{j.route}' is not in bot.contract.ROUTES")
        for fact in j.needs:
            if fact not in registry.questions:
                problems.append(f"journey '{j.name}' needs '{fact}', which no question asks")
    for name in registry.menu:
        if name not in names or registry.journey(name).title is None:
            problems.append(f"menu: '{name}' is not a journey with a title")
    for q in registry.questions.values():
        for answer in (q.yes, q.no):
            if answer is not None and q.option(answer) is None:
                problems.append(f"question '{q.fact}': '{answer}' is not one of its options")
    seen: Dict[str, str] = {}
    for b in registry.all_buttons():
        if seen.setdefault(b.title.lower(), b.payload) != b.payload:
            problems.append(f"button '{b.title}' has two payloads")
    if problems:
        raise ValueError("journey registry: " + "; ".join(sorted(problems)))


def title_key(text: str) -> str:
    """A title as people type it: case, punctuation and spacing do not matter."""
    lowered = text.lower().replace("\u2019", "").replace("\u2018", "").replace("'", "")
    return " ".join(re.sub(r"[^\w\s]", " ", lowered).split())


def domain_buttons(domain_dir: Path) -> Iterable[Tuple[str, str]]:
    """(title, payload) of every button in the domain's responses."""
    for path in sorted(domain_dir.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for variations in (data.get("responses") or {}).values():
            for variation in variations or []:
                for button in variation.get("buttons") or []:
                    # Rasa's response templates escape braces as {{ }}.
                    yield (str(button["title"]),
                           str(button["payload"]).replace("{{", "{").replace("}}", "}"))


def button_titles(domain_dir: Path, registry_path: Path) -> Dict[str, Tuple[str, str]]:
    """title key -> (title, payload) for every button the assistant offers."""
    registry = parse(yaml.safe_load(registry_path.read_text(encoding="utf-8")))
    pairs = [(b.title, b.payload) for b in registry.all_buttons()]
    pairs += list(domain_buttons(domain_dir))
    titles: Dict[str, Tuple[str, str]] = {}
    for title, payload in pairs:
        if not payload.startswith("/"):
            continue  # a button that sends plain text is understood as that text
        previous = titles.setdefault(title_key(title), (title, payload))
        if previous[1] != payload:
            raise ValueError(f"the button title '{title}' has two payloads: "
                             f"{previous[1]} and {payload}")
    return titles


@lru_cache(maxsize=1)
def registry(path: Path = REGISTRY) -> Registry:
    """The registry, read once per process."""
    return parse(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
