"""Checks `rasa test nlu` results on the held-out set against the project's targets.

Usage: python -m bot.tools.check_nlu_report results/nlu

Targets (issue 2): intent macro-F1 >= 0.90; recall of crisis_self_harm and
immediate_danger = 1.0 (every crisis or danger message in the held-out set recognised).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

MACRO_F1_TARGET = 0.90
SAFETY_INTENTS = ("crisis_self_harm", "immediate_danger")
SAFETY_RECALL_TARGET = 1.0


def check(results: Path) -> int:
    """Prints the scores against the targets; returns 1 if any target is missed, else 0."""
    report = json.loads((results / "intent_report.json").read_text())
    macro = report["macro avg"]["f1-score"]
    failures = []
    print(f"held-out examples: {report['macro avg']['support']}, "
          f"accuracy {report['accuracy']:.3f}, intent macro-F1 {macro:.3f} "
          f"(target >= {MACRO_F1_TARGET})")
    if macro < MACRO_F1_TARGET:
        failures.append(f"macro-F1 {macro:.3f} < {MACRO_F1_TARGET}")
    for intent in SAFETY_INTENTS:
        recall = report[intent]["recall"]
        print(f"{intent}: recall {recall:.3f} (target {SAFETY_RECALL_TARGET}), "
              f"precision {report[intent]['precision']:.3f}, n={report[intent]['support']}")
        if recall < SAFETY_RECALL_TARGET:
            failures.append(f"{intent} recall {recall:.3f} < {SAFETY_RECALL_TARGET}")
    worst = sorted((v["f1-score"], k) for k, v in report.items()
                   if isinstance(v, dict) and "f1-score" in v and not k.endswith("avg"))[:5]
    print("lowest F1: " + ", ".join(f"{k} {f:.2f}" for f, k in worst))
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(check(Path(sys.argv[1] if len(sys.argv) > 1 else "results/nlu")))
