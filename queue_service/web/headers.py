"""Security headers on every response: a strict Content-Security-Policy (no inline scripts or
styles anywhere, so nothing needs 'unsafe-inline'), no sniffing, and no referrer (a pairing
URL carries a device token in its query string)."""

from __future__ import annotations

from flask import Flask, Response

# connect-src 'self' also covers the page's own ws:// and wss:// origin (CSP level 3).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _secure(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure)
