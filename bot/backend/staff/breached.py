"""Is a new password one that attackers try first? Checked against a list shipped here.

common-passwords.txt.gz is Django's list of the 20,000 most common passwords (Django
5.1.4, django/contrib/auth/common-passwords.txt.gz, compiled by Royce Williams from
breach corpora; BSD-3-Clause, common-passwords.LICENSE beside it). No network: a
password is never sent anywhere to be checked.

Besides the exact password (in lower case), its core counts: "Sunshine2024!" is
"sunshine" with a year and a mark, and "iloveyouiloveyou" is "iloveyou" twice.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

LIST = Path(__file__).with_name("common-passwords.txt.gz")
# Characters people add to a common word to pass a rule; at most this many of them.
_DECORATION = "0123456789!@#$%^&*()_-+=.,?;:~ "
_MAX_DECORATION = 6


@functools.cache
def common_passwords() -> frozenset[str]:
    """The list, lower-cased, read once."""
    with gzip.open(LIST, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def is_common(password: str) -> bool:
    """Whether the password, or its core, is on the list."""
    known = common_passwords()
    lowered = password.strip().lower()
    candidates = {lowered, _one_period(lowered)}
    for core in (lowered.rstrip(_DECORATION), lowered.lstrip(_DECORATION),
                 lowered.strip(_DECORATION)):
        if core and len(lowered) - len(core) <= _MAX_DECORATION:
            candidates.update({core, _one_period(core)})
    return any(candidate in known for candidate in candidates if len(candidate) >= 4)


def _one_period(value: str) -> str:
    for period in range(1, len(value) // 2 + 1):
        if len(value) % period == 0 and value[:period] * (len(value) // period) == value:
            return value[:period]
    return value
