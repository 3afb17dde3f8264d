"""The application factory: everything is built here, nothing at import time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import display_ui
import kiosk_ui
import reception_ui

from . import api, db, realtime, web
from .clock import SystemClock
from .config import DEFAULT_RETENTION_DAYS, from_environment
from .passwords import DEFAULT_METHOD, Passwords
from .services.memo import Memo
from .services.planner import Planner

DEFAULTS: dict[str, Any] = {
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "onestop_session",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    # The cookie is re-signed only when it changes (its "last used" minute, api/security.py),
    # not on every request.
    "SESSION_REFRESH_EACH_REQUEST": False,
    "PASSWORD_HASH_METHOD": DEFAULT_METHOD,
    # A staff session unused this long ends (api/security.py).
    "STAFF_IDLE_MIN": 30,
    # Personal fields of visits older than this many local days are erased (docs/PRIVACY.md).
    "RETENTION_DAYS": DEFAULT_RETENTION_DAYS,
    # Browser tests only: staff pages may shift their clocks with `?clock_offset_s=`.
    "STAFF_CLOCK_OFFSETS": False,
    # Overrides of ratelimit.DEFAULT_LIMITS by name, each "COUNT/SECONDS" or "0".
    "RATE_LIMITS": {},
    "TRUSTED_PROXIES": 0,
    # Origins whose pages may read the API (web/cors.py); none by default.
    "CORS_ORIGINS": [],
    # A staffing plan's child process is stopped (503) after this long (services/planner.py).
    "STAFFING_PLAN_TIMEOUT_S": 300,
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. `config` replaces the environment (tests pass their own), and may
    carry a `CLOCK` and a `PUBLISHER` to inject."""
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(config if config is not None else from_environment())
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["queue_clock"] = app.config.get("CLOCK") or SystemClock()
    app.extensions["queue_passwords"] = Passwords(app.config["PASSWORD_HASH_METHOD"])
    app.extensions["queue_memo"] = Memo()
    app.extensions["queue_planner"] = Planner(app.config["STAFFING_PLAN_TIMEOUT_S"])
    app.extensions["queue_publisher"] = app.config.get("PUBLISHER") or realtime.LivePublisher(app)
    db.init_app(app)
    realtime.init_app(app)
    api.init_app(app)
    web.init_app(app)
    for front_end in (kiosk_ui, display_ui, reception_ui):
        app.register_blueprint(front_end.bp)
    app.register_blueprint(kiosk_ui.phone_bp)
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    return app
