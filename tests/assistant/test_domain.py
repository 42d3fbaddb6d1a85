"""The domain and training data agree with each other and with the action server."""

import re
from pathlib import Path

import pytest
from rasa.core.nlg.interpolator import interpolate
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.training_data.loading import load_data
from rasa_sdk.executor import ActionExecutor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain"))


NLU_FILES = sorted((ROOT / "data" / "nlu").glob("*.yml")) + sorted(
    p for p in (ROOT / "data" / "journeys").glob("*/*.yml") if "nlu:" in p.read_text())


@pytest.fixture(scope="module")
def training():
    data = load_data(str(NLU_FILES[0]))
    for path in NLU_FILES[1:]:
        data = data.merge(load_data(str(path)))
    return data


@pytest.fixture(scope="module")
def heldout():
    return load_data(str(ROOT / "tests" / "nlu"))


def _texts(domain):
    for name, variations in domain.responses.items():
        for variation in variations:
            yield name, variation


def test_responses_interpolate_without_errors(domain, caplog):
    # An unescaped { } in a button payload makes Rasa log an error with every slot value.
    for _, variation in _texts(domain):
        interpolate(variation, {})
    assert "interpolator" not in caplog.text


def test_responses_hold_no_numbers_or_links(domain):
    # Every number and link a victim sees comes from the sourced directory, via actions.
    for name, variation in _texts(domain):
        text = variation.get("text", "")
        assert not re.search(r"\d{3}|https?://|www\.", text), name


RASA_DEFAULT_INTENTS = {"nlu_fallback", "restart", "back", "session_start"}


def test_every_intent_has_training_and_heldout_examples(domain, training, heldout):
    # EXTERNAL_ intents are triggered by the backend (a due reminder), never said.
    ours = {i for i in domain.intents if not i.startswith("EXTERNAL_")} - RASA_DEFAULT_INTENTS
    trained = {m.get("intent") for m in training.intent_examples}
    tested = {m.get("intent") for m in heldout.intent_examples}
    assert trained == ours
    assert tested == ours


def test_no_heldout_example_is_trained_on(training, heldout):
    """Identical texts (ignoring case and punctuation) would make the held-out score a
    training score; the held-out set is written separately and checked here."""
    def norm(text):
        return re.sub(r"[^a-z0-9 ]", "", text.lower()).strip()
    trained = {norm(m.get("text")) for m in training.intent_examples}
    leaked = [m.get("text") for m in heldout.intent_examples if norm(m.get("text")) in trained]
    assert leaked == []


def test_every_custom_action_is_served(domain):
    executor = ActionExecutor()
    executor.register_package("actions")
    served = set(executor.actions)
    custom = {a for a in domain.user_actions if not a.startswith("utter_")}
    assert custom <= served, custom - served


def test_actions_only_use_responses_that_exist(domain):
    used = set()
    for path in (ROOT / "actions").rglob("*.py"):
        used |= set(re.findall(r'response="(utter_[a-z_]+)"', path.read_text()))
    assert used <= set(domain.responses)


def test_form_questions_exist_for_every_slot(domain):
    for spec in domain.forms.values():
        for slot in spec["required_slots"]:
            assert (f"utter_ask_{slot}" in domain.responses
                    or f"action_ask_{slot}" in domain.user_actions), slot
