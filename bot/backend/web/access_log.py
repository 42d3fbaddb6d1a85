"""Access logs that name the route, never the path: paths carry conversation and case ids."""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger


class RouteAccessLogger(AbstractAccessLogger):
    """`POST /api/v1/conversations/{conversation_id}/withdraw 200 3.1ms`."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        """One line per request, naming the route's pattern, not the path's ids."""
        match_info = getattr(request, "match_info", None)
        resource = match_info.route.resource if match_info is not None else None
        route = resource.canonical if resource is not None else "(no route)"
        self.logger.info("%s %s %s %.1fms", request.method, route, response.status, time * 1000)
