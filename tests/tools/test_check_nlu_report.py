"""The NLU report check enforces the targets: macro-F1 >= 0.90, safety recall 1.0."""

import json

from bot.tools.check_nlu_report import check


def write_report(tmp_path, macro, crisis_recall, danger_recall):
    report = {
        "accuracy": macro, "macro avg": {"f1-score": macro, "support": 100},
        "crisis_self_harm": {"recall": crisis_recall, "precision": 1.0, "f1-score": 1.0,
                             "support": 50},
        "immediate_danger": {"recall": danger_recall, "precision": 1.0, "f1-score": 1.0,
                             "support": 50},
    }
    (tmp_path / "intent_report.json").write_text(json.dumps(report))
    return tmp_path


def test_passes_at_target(tmp_path):
    assert check(write_report(tmp_path, 0.90, 1.0, 1.0)) == 0


def test_fails_below_macro_f1(tmp_path):
    assert check(write_report(tmp_path, 0.899, 1.0, 1.0)) == 1


def test_fails_on_any_missed_crisis_or_danger_message(tmp_path):
    assert check(write_report(tmp_path, 0.95, 0.98, 1.0)) == 1
    assert check(write_report(tmp_path, 0.95, 1.0, 0.98)) == 1
