"""The home page: the sites, with their kiosk, display and staff pages, and how to pair."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, current_app, render_template

from ..api.context import uow
from ..services import snapshots

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    """Every site with links to its pages; in development, the demo devices' pairing links."""
    return render_template(
        "home.html", sites=snapshots.list_sites(uow()), demo_tokens=_demo_tokens()
    )


def _demo_tokens() -> dict[str, dict[str, str]]:
    """{site: {kind: token}} written by `seed-demo` outside production, so that a newcomer's
    first click opens a working kiosk; nothing when there is no such file."""
    name = current_app.config.get("DEMO_DEVICES_FILE")
    if not name or not Path(name).is_file():
        return {}
    tokens: dict[str, dict[str, str]] = json.loads(Path(name).read_text())
    return tokens
