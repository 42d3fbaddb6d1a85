"""The journey registry agrees with the domain and the rules, and every button the
assistant offers is understood when its title is typed (tests/nlu_model checks that with
the trained model; here, that the resolver knows every title)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.shared.core.domain import Domain

from bot.registry import button_titles, title_key
from bot.contract import ROUTES
from bot.registry import parse, parse_payload, registry

ROOT = Path(__file__).resolve().parents[2]
REG = registry()


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain"))


def rules():
    for path in list((ROOT / "data" / "rules").glob("*.yml")) + list(
            (ROOT / "data" / "journeys").glob("*/rules.yml")):
        yield from (yaml.safe_load(path.read_text()) or {}).get("rules") or []


def first_intents(rule):
    step = rule["steps"][0]
    if "intent" in step:
        return {step["intent"]}
    return {s["intent"] for s in step.get("or", []) if "intent" in s}


def test_every_journey_intent_is_in_the_domain_and_answered_by_a_rule(domain):
    answered = set().union(*(first_intents(r) for r in rules()))
    for journey in REG.journeys:
        assert journey.intent in domain.intents, journey.name
        assert journey.intent in answered, journey.name
        if journey.route:
            assert journey.route in ROUTES


def test_every_payload_names_a_domain_intent_and_entity(domain):
    for button in REG.all_buttons():
        intent, entities = parse_payload(button.payload)
        assert intent in domain.intents, button
        assert set(entities) <= set(domain.entities), button


def test_every_question_fact_is_a_slot_filled_from_its_entity(domain):
    slots = {s.name: s for s in domain.slots}
    for question in REG.questions.values():
        for option in question.options:
            _, entities = parse_payload(option.payload)
            for name in entities:
                slot = "platforms" if name == "platform" else name
                assert slot in slots, (question.fact, name)


def test_one_menu_every_menu_entry_a_journey_with_a_title():
    assert [b.title for b in REG.menu_buttons()] == [
        REG.journey(n).title for n in REG.menu]
    assert all(b.title != REG.journey("evidence").title
               for b in REG.menu_buttons("evidence"))


def test_every_title_has_one_payload_across_the_domain_and_the_registry():
    titles = button_titles(ROOT / "domain", ROOT / "data" / "journeys" / "registry.yml")
    for button in REG.all_buttons():
        assert titles[title_key(button.title)][1] == button.payload


def test_an_inconsistent_registry_is_refused():
    data = yaml.safe_load((ROOT / "data" / "journeys" / "registry.yml").read_text())
    data["menu"].append("nowhere")
    with pytest.raises(ValueError, match="nowhere"):
        parse(data)
    data = yaml.safe_load((ROOT / "data" / "journeys" / "registry.yml").read_text())
    data["journeys"][1]["route"] = "somewhere"
    with pytest.raises(ValueError, match="somewhere"):
        parse(data)


@pytest.mark.parametrize("payload,parsed", [
    ("/ask_evidence", ("ask_evidence", {})),
    ('/inform{"age_group": "adult"}', ("inform", {"age_group": "adult"})),
    ("/inform{broken", None), ("hello", None), ("/", None)])
def test_payloads(payload, parsed):
    assert parse_payload(payload) == parsed
