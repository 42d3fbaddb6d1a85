"""Reading an HTML form body strictly: urlencoded, UTF-8, each field once.

aiohttp's own form parser would let invalid UTF-8 surface as a 500; this one answers 400.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from aiohttp import web

MAX_FIELDS = 20


async def read_form(request: web.Request) -> dict[str, str]:
    """The submitted fields, or HTTP 400/415 when the body is not a well-formed form."""
    if request.content_type != "application/x-www-form-urlencoded":
        raise web.HTTPUnsupportedMediaType(text="forms must be sent urlencoded")
    raw = await request.read()
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True, strict_parsing=False,
                          encoding="utf-8", errors="strict", max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise web.HTTPBadRequest(text="the form could not be read") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise web.HTTPBadRequest(text="the form repeats a field")
        form[name] = value
    return form
