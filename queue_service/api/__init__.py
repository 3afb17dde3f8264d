"""The HTTP API under /api/v1 (DESIGN §7): thin views that validate, call one service, shape."""

from __future__ import annotations

from flask import Flask

from . import (
    auth,
    desks,
    errors,
    health,
    openapi,
    reports,
    sites,
    staffing,
    tickets,
    validation,
    visits,
)

PREFIX = "/api/v1"


def init_app(app: Flask) -> None:
    """Register every API blueprint and the JSON error handlers."""
    errors.init_app(app)
    app.before_request(validation.check_path)
    app.register_blueprint(health.bp)
    for module in (auth, sites, tickets, visits, desks, reports, staffing, openapi):
        app.register_blueprint(module.bp, url_prefix=PREFIX)
