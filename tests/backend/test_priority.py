"""The priority formula's starting point: risk flags."""

from __future__ import annotations

from bot.backend.staff.priority import HIGH, STANDARD, URGENT, base_level


def test_risk_flags_set_the_starting_priority() -> None:
    assert base_level(["immediate_danger"]) == URGENT
    assert base_level(["crisis", "sextortion"]) == URGENT
    assert base_level(["under_18"]) == HIGH
    assert base_level(["sextortion"]) == HIGH
    assert base_level([]) == STANDARD
