"""Reading a JSON request body strictly: size, media type, UTF-8, syntax, duplicate keys.

Python's json module accepts NaN, Infinity and repeated keys (keeping the last); a strict
API refuses them, since two parsers could read such a body differently.
"""

from __future__ import annotations

import json

from aiohttp import web

from bot.backend.web.errors import ApiError

MAX_BODY_BYTES = 64 * 1024


async def read_json(request: web.Request) -> object:
    """The decoded body, or an ApiError saying exactly what is wrong with it."""
    if request.content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "send Content-Type: application/json")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"the body must be at most {MAX_BODY_BYTES} bytes")
    raw = await request.read()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"the body must be at most {MAX_BODY_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_utf8", "the body is not valid UTF-8") from None
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constants)
    except _StrictJsonError as error:
        raise ApiError(400, "malformed_json", str(error)) from None
    except (ValueError, RecursionError):
        raise ApiError(400, "malformed_json", "the body is not valid JSON") from None


class _StrictJsonError(ValueError):
    """Valid JSON syntax that this API still refuses."""


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _StrictJsonError("the body repeats a key")
        result[key] = value
    return result


def _no_constants(name: str) -> object:
    raise _StrictJsonError(f"{name} is not allowed in JSON")
