"""Cross-origin reading of the API: closed unless `CORS_ORIGINS` names an origin.

By default no API response carries `Access-Control-Allow-Origin` and every preflight is
refused (403 `cors_refused`), so another site's scripts cannot read anything, with or without
credentials. A council whose signage runs on another origin names it in `CORS_ORIGINS`: those
origins may then read responses and send the headers a device needs (a bearer token, an
Idempotency-Key), but never with credentials, so a staff session cookie still works only on
our own pages.
"""

from __future__ import annotations

from collections.abc import Set

from flask import Flask, Response, current_app, request
from flask.typing import ResponseReturnValue

from .errors import error_response

ALLOWED_METHODS = "GET, POST, DELETE"
ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key"
EXPOSED_HEADERS = "Retry-After, Idempotent-Replayed"
PREFLIGHT_MAX_AGE_S = "600"


def init_app(app: Flask, blueprints: Set[str]) -> None:
    """Answer preflights and mark cross-origin responses of the given API blueprints."""

    def preflight() -> ResponseReturnValue | None:
        is_preflight = (
            request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
        )
        if request.blueprint not in blueprints or not is_preflight:
            return None
        if not _allowed():
            return error_response(
                403, "cors_refused", "this API is not open to pages of other sites"
            )
        response = current_app.response_class(status=204)
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE_S
        return response

    def mark(response: Response) -> Response:
        if request.blueprint in blueprints and _allowed():
            response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]
            response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if request.blueprint in blueprints and current_app.config["CORS_ORIGINS"]:
            # The answer depends on the Origin: caches must keep one per origin.
            response.vary.add("Origin")
        return response

    app.before_request(preflight)
    app.after_request(mark)


def _allowed() -> bool:
    origin = request.headers.get("Origin")
    return origin is not None and origin in current_app.config["CORS_ORIGINS"]
