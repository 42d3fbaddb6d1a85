"""Whether a request reached us over TLS, which decides Secure cookies and HSTS.

COOKIE_SECURE=true or false decides outright. The default, auto, trusts TLS unless the
request's host is the machine itself (http://localhost on a laptop): behind a proxy that
terminates TLS the host is the public name, so cookies stay Secure.
"""

from __future__ import annotations

from aiohttp import web

from bot.backend.keys import SETTINGS

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def behind_tls(request: web.Request) -> bool:
    """True when cookies must be Secure and HSTS sent."""
    configured = request.config_dict[SETTINGS].cookie_secure
    if configured is not None:
        return configured
    host = (request.host or "").lower()
    if host.startswith("["):
        host = host[1:].partition("]")[0]
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    return not (host in LOCAL_HOSTS or host.endswith(".localhost"))
