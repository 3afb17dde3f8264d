"""A ticket's public status, for whoever holds its token."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..services import tickets
from .context import uow

bp = Blueprint("tickets", __name__)


@bp.get("/tickets/<token>")
def show(token: str) -> ResponseReturnValue:
    return tickets.ticket_status(uow(), token)
