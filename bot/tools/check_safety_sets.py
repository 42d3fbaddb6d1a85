"""Crisis and danger recall of the whole trained NLU on the two safety development sets.

Usage: python -m bot.tools.check_safety_sets models/assistant.tar.gz

The held-out set (`make test-nlu`) measures the classifier; these sets were written to tune
the safety matcher (tests/assistant/safety_dev*.yml), and the target is the same: every
crisis phrase is answered as a crisis and every danger phrase as danger, by the matcher or
the classifier. Ordinary messages taken for either are counted and listed, not failed.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Dict, List

import yaml

SETS = ("tests/assistant/safety_dev.yml", "tests/assistant/safety_dev2.yml")
EXPECTED = {"crisis": "crisis_self_harm", "danger": "immediate_danger"}
# The one phrase the target cannot have: a bare "bye", which the second set lists as crisis
# (a goodbye after distress) and the held-out set, like every user, as a goodbye. Taking
# every goodbye for a crisis is the false alarm the project removed; listed, not hidden.
ACCEPTED_MISSES = {"bye"}


async def evaluate(model: str) -> int:
    """Prints recall per set and flag; returns 1 if any crisis or danger phrase was missed."""
    from rasa.core.agent import Agent  # loads TensorFlow: only when run

    agent = Agent.load(model)
    failed = False
    for path in SETS:
        data: Dict[str, List[str]] = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        for flag, intent in EXPECTED.items():
            missed = []
            for text in data[flag]:
                parsed = await agent.parse_message(text)
                flags = (parsed.get("safety") or {}).get("flags") or []
                if parsed["intent"]["name"] != intent and flag not in flags:
                    missed.append(text)
            total = len(data[flag])
            print(f"{path} {flag}: recall {(total - len(missed)) / total:.3f} "
                  f"({total - len(missed)}/{total})")
            for text in missed:
                print(f"  missed: {text}" + (" (accepted, see ACCEPTED_MISSES)"
                                              if text in ACCEPTED_MISSES else ""))
            failed = failed or bool(set(missed) - ACCEPTED_MISSES)
        alarms = []
        for text in data.get("neither", []):
            parsed = await agent.parse_message(text)
            if parsed["intent"]["name"] in EXPECTED.values():
                alarms.append(text)
        print(f"{path} ordinary messages taken for crisis or danger: "
              f"{len(alarms)}/{len(data.get('neither', []))}")
        for text in alarms:
            print(f"  {text}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(evaluate(sys.argv[1] if len(sys.argv) > 1 else
                                  "models/assistant.tar.gz")))
