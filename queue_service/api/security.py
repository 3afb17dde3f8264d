"""Defences of the cookie session: CSRF tokens on every change, and idle sign-out.

A staff page's session cookie is an ambient credential, so every state-changing request made
with it must carry the session's CSRF token in `X-CSRF-Token` (sign-in and `GET /auth/me`
hand it out). A device's bearer token is not ambient and needs none. A session left unused for
`STAFF_IDLE_MIN` minutes ends: the next request answers 401 and the page returns to sign-in.

The time a session was last used is kept in its cookie to the minute: rewriting it on every
request re-signed and re-sent the cookie each time, a good part of a busy desk's request.
So a session ends after between `STAFF_IDLE_MIN` minus one and `STAFF_IDLE_MIN` minutes unused
(never later).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Set
from datetime import timedelta

from flask import Flask, current_app, request, session

from ..errors import Forbidden, NotAuthenticated
from .context import bearer_token, staff_session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Sign-in starts a session rather than acting in one; sign-out only ends one.
EXEMPT_ENDPOINTS = frozenset({"auth.login", "auth.logout"})
CSRF_HEADER = "X-CSRF-Token"
# How stale the session's "last used" may get before a request rewrites it.
SEEN_STEP_S = 60


def csrf_token() -> str:
    """The session's CSRF token, made on first use (at sign-in)."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def init_app(app: Flask, blueprints: Set[str]) -> None:
    """Check the session before every request to the given API blueprints."""

    def guard() -> None:
        if request.blueprint in blueprints:
            check_session()

    app.before_request(guard)


def check_session() -> None:
    """End an idle session, then insist on the CSRF token for a change made with the session
    cookie."""
    if staff_session() is None or request.endpoint in EXEMPT_ENDPOINTS:
        return
    check_idle()
    if request.method in SAFE_METHODS or _has_bearer():
        return
    sent = request.headers.get(CSRF_HEADER, "")
    expected = session.get("csrf")
    if not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
        raise Forbidden(
            f"a signed-in change must send the session's csrf_token in {CSRF_HEADER}",
            code="csrf_failed",
        )


def check_idle() -> None:
    """End the session if it was left unused too long; otherwise note that it is in use."""
    now = current_app.extensions["queue_clock"].now().timestamp()
    idle = timedelta(minutes=current_app.config["STAFF_IDLE_MIN"]).total_seconds()
    seen = session.get("seen")
    if isinstance(seen, int | float) and now - seen > idle:
        session.clear()
        raise NotAuthenticated("signed out after a time without use", code="idle_timeout")
    if not isinstance(seen, int | float) or now - seen >= SEEN_STEP_S:
        session["seen"] = now


def _has_bearer() -> bool:
    try:
        return bearer_token() is not None
    except NotAuthenticated:
        return False
