"""STAFF_HOST: the dashboard on a host name of its own, apart from the public pages.

On one origin, a script on any public page (the widget's demo page, a page the charity
adds) runs with the dashboard's origin: it could read a signed-in staff member's pages
and their CSRF tokens. With STAFF_HOST set, /staff/ answers only on that host, and that
host answers nothing else (but /healthz), so the browser keeps the two apart. Unset, one
host serves both, as on a laptop.
"""

from __future__ import annotations

from aiohttp import web

from bot.backend.keys import SETTINGS
from bot.backend.web.errors import Handler

ANY_HOST = frozenset({"/healthz"})


def is_staff_path(path: str) -> bool:
    """Whether a path belongs to the dashboard."""
    return path == "/staff" or path.startswith("/staff/")


@web.middleware
async def staff_on_its_own_host(request: web.Request, handler: Handler) -> web.StreamResponse:
    """404 for the dashboard on another host, and for anything else on the staff host."""
    staff_host = request.config_dict[SETTINGS].staff_host
    if staff_host is not None and request.path not in ANY_HOST:
        if is_staff_path(request.path) != (host_name(request) == staff_host):
            raise web.HTTPNotFound()
    return await handler(request)


def host_name(request: web.Request) -> str:
    """The Host header's name, lower case, without a port."""
    host = (request.host or "").lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.partition(":")[0] if host.count(":") == 1 else host
