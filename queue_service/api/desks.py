"""A desk opening, closing and calling the next customer."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..services import desks
from .context import actor, idempotency_key, uow
from .inputs import Empty
from .outputs import Desk, StaffVisit
from .spec import IDEMPOTENCY_KEY, STAFF, operation

bp = Blueprint("desks", __name__)

DESK = "/desks/<int(max=2147483647):desk_id>"


@bp.post(f"{DESK}/open")
@operation({200: Desk}, body=Empty, body_optional=True, errors=STAFF)
def open_desk(desk_id: int) -> ResponseReturnValue:
    """Open a desk: it starts taking calls."""
    return desks.open_desk(uow(), actor(), desk_id)


@bp.post(f"{DESK}/close")
@operation({200: Desk}, body=Empty, body_optional=True, errors=STAFF)
def close_desk(desk_id: int) -> ResponseReturnValue:
    """Close a desk: it stops taking calls."""
    return desks.close_desk(uow(), actor(), desk_id)


@bp.post(f"{DESK}/call-next")
@operation(
    {200: StaffVisit, 204: None},
    body=Empty,
    body_optional=True,
    errors=STAFF,
    headers=(IDEMPOTENCY_KEY,),
)
def call_next(desk_id: int) -> ResponseReturnValue:
    """Call the next visit by the call rule; 204 when nobody is callable."""
    body, replayed = desks.call_next(uow(), actor(), desk_id, idempotency_key())
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    if body is None:
        return "", 204, headers
    return body, 200, headers
