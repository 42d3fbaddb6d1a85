"""The contract is the only place a cross-process vocabulary is written (bot/contract.py).

Each process imports it; this test reads every other module's source and fails if one
spells out a copy of a vocabulary (as a tuple, list or set literal holding all of its
values) or a contract name (the takeover slot) as a string of its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot import contract

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for folder in ("bot", "actions") for p in (ROOT / folder).rglob("*.py")
                 if p.name != "contract.py" and ".venv" not in p.parts)
VOCABULARIES = {name: set(getattr(contract, name)) for name in (
    "CHANNELS", "JURISDICTIONS", "UK_NATIONS", "AGE_BANDS", "VICTIM_ROLES", "SITUATIONS",
    "PERPETRATORS", "RISK_FLAGS", "ROUTES", "CONTACT_METHODS", "TAKEOVER_KINDS")}
NAMES = {contract.TAKEOVER_SLOT}


def literals(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and node.elts and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            yield node, {e.value for e in node.elts}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_defines_its_own_copy(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node, values in literals(tree):
        for name, vocabulary in VOCABULARIES.items():
            # A literal of a vocabulary's values (3+), with or without "unknown", is a copy.
            if len(vocabulary) >= 3 and values in (vocabulary, vocabulary - {"unknown"}):
                pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno} copies contract.{name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in NAMES:
            pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno} spells {node.value!r}; "
                        "import it from bot.contract")


def test_the_test_sees_a_copy(tmp_path):
    copy = ast.parse('ROUTES = ("evidence", "takedown", "hashing", "police", "law", '
                     '"support", "sextortion", "human")')
    assert any(VOCABULARIES["ROUTES"] <= values for _, values in literals(copy))


@pytest.mark.parametrize("value,expected", [(None, "GB"), ("", "GB"), ("IE", "IE"),
                                            (" AU ", "AU")])
def test_home_jurisdiction(value, expected):
    env = {} if value is None else {"HOME_JURISDICTION": value}
    assert contract.home_jurisdiction(env) == expected


@pytest.mark.parametrize("value", ["OTHER", "gb", "Narnia"])
def test_an_unknown_home_jurisdiction_stops_the_process(value):
    with pytest.raises(ValueError, match="HOME_JURISDICTION"):
        contract.home_jurisdiction({"HOME_JURISDICTION": value})
