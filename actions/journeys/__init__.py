"""What each journey says, built from the directory for this person.

Each module has one `build(ctx) -> Reply`; `BUILDERS` maps a journey name (the `journey`
slot) to it. Builders never send anything themselves, which keeps them easy to test.
"""

from __future__ import annotations

from typing import Callable, Dict

from actions.journeys import evidence, hashing, law, police, sextortion, support, takedown
from actions.journeys.base import JourneyContext
from actions.replies import Reply

BUILDERS: Dict[str, Callable[[JourneyContext], Reply]] = {
    "evidence": evidence.build,
    "takedown": takedown.build,
    "hashing": hashing.build,
    "police": police.build,
    "law": law.build,
    "support": support.build,
    "sextortion": sextortion.build,
}

__all__ = ["BUILDERS", "JourneyContext"]
