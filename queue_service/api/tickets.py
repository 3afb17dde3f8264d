"""A ticket's public status, and giving it up, for whoever holds its token."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..services import tickets
from .context import uow

bp = Blueprint("tickets", __name__)


@bp.get("/tickets/<token>")
def show(token: str) -> ResponseReturnValue:
    return tickets.ticket_status(uow(), token)


@bp.post("/tickets/<token>/leave")
def leave(token: str) -> ResponseReturnValue:
    """The customer has left: the visit ends `left` (the token is the authority)."""
    return tickets.leave(uow(), token)
