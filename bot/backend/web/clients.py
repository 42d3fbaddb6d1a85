"""Who is on the other end: the client's address, and the key counters use for it.

Behind a reverse proxy every request comes from the proxy, so TRUSTED_PROXIES names it:
from those addresses the client is the last address in X-Forwarded-For that is not a
trusted proxy itself. From any other address the header is ignored, so a client cannot
choose its own address. Counters keep a keyed hash of the address, never the address.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from aiohttp import web

from bot.backend.keys import SETTINGS


def client_address(request: web.Request) -> str:
    """The client's IP address as far as we can trust it."""
    settings = request.config_dict[SETTINGS]
    remote = request.remote or ""
    if not settings.trusted_proxies or not _trusted(remote, settings.trusted_proxies):
        return remote
    forwarded = [part.strip() for header in request.headers.getall("X-Forwarded-For", [])
                 for part in header.split(",")]
    for address in reversed(forwarded):
        if not _trusted(address, settings.trusted_proxies):
            return address if _valid(address) else remote
    return remote


def client_key(request: web.Request) -> str:
    """A stable pseudonym for the client's address (HMAC, keyed by the service's key)."""
    secret = request.config_dict[SETTINGS].encryption_keys[0]
    digest = hmac.new(b"client-address-v1\x00" + secret,
                      client_address(request).encode("utf-8", "replace"), hashlib.sha256)
    return digest.hexdigest()[:32]


def _trusted(address: str, networks: tuple[object, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)  # type: ignore[operator]


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True
