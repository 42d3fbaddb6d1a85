"""Reading a JSON request body strictly: size, media type, UTF-8, then the strict JSON
reader (web/strict_json.py: no repeated keys, no NaN or Infinity).
"""

from __future__ import annotations

from aiohttp import web

from bot.backend.web import strict_json
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
        return strict_json.loads(text, "the body")
    except strict_json.StrictJsonError as error:
        raise ApiError(400, "malformed_json", str(error)) from None
