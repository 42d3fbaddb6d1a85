"""Security headers on every response, errors and static files included (ASVS 14.4).

The dashboard runs no JavaScript except one same-origin file on case pages with a live
conversation, and loads styles only from itself, so the content security policy forbids
scripts everywhere else. Nothing is cached: pages hold personal data and staff may use
shared machines.

A handler may set its own Content-Security-Policy (one of the policies below) or
Cross-Origin-Resource-Policy (widget.js, which charity sites load); every other header
is always this module's.
"""

from __future__ import annotations

from aiohttp import web

from bot.backend.web.tls import behind_tls

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
# Case pages with a live conversation: our own script, polling our own origin.
LIVE_PAGE_POLICY = CONTENT_SECURITY_POLICY + "; script-src 'self'; connect-src 'self'"
# The demo charity page: the widget from our origin, its socket to our origin, no inline
# script or style anywhere, to show that a charity's strict CSP is enough for the widget.
DEMO_PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
    "img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)
OVERRIDABLE = frozenset({"Content-Security-Policy", "Cross-Origin-Resource-Policy"})
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    # Off, as OWASP advises: the old browsers' XSS auditor could be made to switch off
    # chosen scripts of a page (the widget's quick exit among them); the CSP protects.
    "X-XSS-Protection": "0",
}
HSTS = "max-age=31536000; includeSubDomains"


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare hook: runs for every response the app sends."""
    for name, value in HEADERS.items():
        if name not in OVERRIDABLE or name not in response.headers:
            response.headers[name] = value
    if behind_tls(request):
        response.headers["Strict-Transport-Security"] = HSTS
