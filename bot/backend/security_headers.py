"""Security headers on every response, errors and static files included (ASVS 14.4).

The dashboard runs no JavaScript at all and loads styles only from itself, so the content
security policy can forbid scripts outright. Nothing is cached: pages hold personal data
and staff may use shared machines.
"""

from __future__ import annotations

from aiohttp import web

from bot.backend.tls import behind_tls

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000; includeSubDomains"


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare hook: runs for every response the app sends."""
    response.headers.update(HEADERS)
    if behind_tls(request):
        response.headers["Strict-Transport-Security"] = HSTS
