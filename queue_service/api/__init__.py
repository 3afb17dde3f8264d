"""The HTTP API under /api/v1 (DESIGN §7): thin views that validate, call one service, shape."""

from __future__ import annotations

from flask import Flask

from . import (
    audit,
    auth,
    cors,
    desks,
    devices,
    errors,
    health,
    limits,
    openapi,
    reports,
    rota,
    security,
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
    modules = (
        auth,
        sites,
        rota,
        tickets,
        visits,
        desks,
        devices,
        reports,
        staffing,
        audit,
        openapi,
    )
    for module in modules:
        app.register_blueprint(module.bp, url_prefix=PREFIX)
    names = {module.bp.name for module in modules}
    cors.init_app(app, names)
    security.init_app(app, names)
    limits.init_app(app, names)
