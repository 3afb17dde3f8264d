"""Security headers on every response, page or API: a strict Content-Security-Policy (no
inline scripts or styles anywhere, so nothing needs 'unsafe-inline'), no framing by other
sites (kiosk and staff screens must not be overlaid for clickjacking), no sniffing, no
referrer (a pairing URL carries a device token in its query string), no powerful browser
features the pages do not use, and HSTS whenever the request came over HTTPS."""

from __future__ import annotations

from flask import Flask, Response, request

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
# Nothing here films, listens, locates or pays; speech synthesis and the display's chime need
# no permission.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # frame-ancestors for browsers that predate it.
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}
# A year; over plain HTTP the header means nothing and is not sent (RFC 6797 §7.2).
HSTS = "max-age=31536000"


def _secure(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure)
