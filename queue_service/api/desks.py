"""A desk opening, closing and calling the next customer."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..services import desks
from .context import actor, idempotency_key, uow
from .validation import Form

bp = Blueprint("desks", __name__)

DESK = "/desks/<int(max=2147483647):desk_id>"


@bp.post(f"{DESK}/open")
def open_desk(desk_id: int) -> ResponseReturnValue:
    Form.from_request(optional=True).done()
    return desks.open_desk(uow(), actor(), desk_id)


@bp.post(f"{DESK}/close")
def close_desk(desk_id: int) -> ResponseReturnValue:
    Form.from_request(optional=True).done()
    return desks.close_desk(uow(), actor(), desk_id)


@bp.post(f"{DESK}/call-next")
def call_next(desk_id: int) -> ResponseReturnValue:
    Form.from_request(optional=True).done()
    body, replayed = desks.call_next(uow(), actor(), desk_id, idempotency_key())
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    if body is None:
        return "", 204, headers
    return body, 200, headers
