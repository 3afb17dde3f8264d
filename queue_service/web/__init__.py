"""The pages' shared base: locale, security headers, device pairing and the home page.

Each front end (`kiosk_ui`, `display_ui`, `reception_ui`) is one blueprint with its own
templates and static files; they all extend `queue_service/templates/base.html`, use
`queue_service/static/base.css` and the shared ES modules beside it."""

from __future__ import annotations

from flask import Flask

from . import headers, home, i18n


def init_app(app: Flask) -> None:
    """Bind the catalogues and locale selection, the security headers and the home page."""
    i18n.init_app(app)
    headers.init_app(app)
    app.register_blueprint(home.bp)
