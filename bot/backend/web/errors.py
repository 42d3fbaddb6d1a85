"""Turning every failure into a clear response: JSON for the API, a page for staff.

Bad input is the sender's fault and gets a 4xx naming the problem; a database that cannot
be reached is a 503 the outbox will retry; anything else is logged (the route and the
error type, never the request body) and answered with a bare 500.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.backend.web.templating import render

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)


class ApiError(Exception):
    """An API request the backend refuses, with a code clients can act on."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Catch everything below; the app never leaks a traceback or a half-built response."""
    try:
        return await handler(request)
    except ApiError as error:
        return _respond(request, error.status, error.code, error.message, error.field)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        response = _respond(request, error.status, _code(error.status), error.text or "")
        if "Allow" in error.headers:
            response.headers["Allow"] = error.headers["Allow"]
        return response
    except UNAVAILABLE:
        log.warning("database unavailable while serving %s", _route(request))
        response = _respond(request, 503, "unavailable",
                            "The database is unavailable; try again shortly.")
        response.headers["Retry-After"] = "5"
        return response
    except Exception as error:  # the last line of defence: log the type, answer 500
        log.exception("unhandled %s while serving %s", type(error).__name__, _route(request))
        return _respond(request, 500, "internal", "Something went wrong on our side.")


def _respond(
    request: web.Request, status: int, code: str, message: str, field: str | None = None
) -> web.Response:
    if request.path.startswith("/staff"):
        response = render(
            "error.html", request, {"status": status, "message": _page_message(status, message)}
        )
        response.set_status(status)
        return response
    body: dict[str, str] = {"error": code, "message": message}
    if field:
        body["field"] = field
    return web.json_response(body, status=status)


def _page_message(status: int, message: str) -> str:
    if status == 404:
        return "There is nothing here."
    if status == 403:
        return "You do not have access to this."
    return message.removeprefix(f"{status}: ")


def _code(status: int) -> str:
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 409: "conflict", 413: "too_large",
            415: "unsupported_media_type", 422: "invalid"}.get(status, "error")


def _route(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "(no route)"
