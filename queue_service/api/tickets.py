"""A ticket's public status, and giving it up, for whoever holds its token."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..services import tickets
from .context import uow
from .outputs import Ticket
from .spec import operation

bp = Blueprint("tickets", __name__)


@bp.get("/tickets/<token>")
@operation({200: Ticket})
def show(token: str) -> ResponseReturnValue:
    """A ticket's public status (the phone page)."""
    return tickets.ticket_status(uow(), token)


@bp.post("/tickets/<token>/leave")
@operation({200: Ticket}, errors=(409,))
def leave(token: str) -> ResponseReturnValue:
    """The customer has left: end the waiting or called visit as `left` (the token authorises
    it; the event log names the actor `customer`)."""
    return tickets.leave(uow(), token)
