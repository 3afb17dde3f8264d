"""Liveness and readiness for load balancers and monitoring."""

from __future__ import annotations

from flask import Blueprint, current_app
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from .errors import database_unavailable

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 when the database answers, 503 when it does not."""
    try:
        with current_app.extensions["queue_engine"].connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return database_unavailable()
    return {"status": "ok"}
