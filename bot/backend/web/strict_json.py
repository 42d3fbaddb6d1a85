"""JSON read strictly, for everything a browser or a client sends: the ingest API's bodies
and the widget's frames.

Python's json module accepts NaN, Infinity and repeated keys (keeping the last); a strict
reader refuses them, since two parsers could read such a document differently.
"""

from __future__ import annotations

import json


class StrictJsonError(ValueError):
    """Not JSON, or JSON this service refuses; the message says which, in a few words."""


def loads(text: str, what: str = "the document") -> object:
    """The decoded document, or StrictJsonError naming `what` (never RecursionError or a
    bare ValueError)."""

    def unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
        result: dict[str, object] = {}
        for key, value in pairs:
            if key in result:
                raise StrictJsonError(f"{what} repeats a key")
            result[key] = value
        return result

    try:
        return json.loads(text, object_pairs_hook=unique_keys, parse_constant=_no_constants)
    except StrictJsonError:
        raise
    except (ValueError, RecursionError):
        raise StrictJsonError(f"{what} is not valid JSON") from None


def _no_constants(name: str) -> object:
    raise StrictJsonError(f"{name} is not allowed in JSON")
