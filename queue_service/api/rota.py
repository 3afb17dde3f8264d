"""The rota: a site's planned desk hours for the week, read by its staff, replaced by its
managers (services/rota.py says why the week is one document)."""

from __future__ import annotations

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from ..errors import Invalid
from ..services import rota
from .context import actor, uow
from .validation import Form, storable

bp = Blueprint("rota", __name__)

# Seven days of a dozen desks with a few stretches each fits many times over.
MAX_SHIFTS = 500


@bp.get("/sites/<site>/rota")
def show_rota(site: str) -> ResponseReturnValue:
    body = rota.week(uow(), actor(), site)
    return body, 200, {"ETag": f'"{body["revision"]}"'}


@bp.put("/sites/<site>/rota")
def replace_rota(site: str) -> ResponseReturnValue:
    """`{"shifts": [{"desk": "Desk 1", "weekday": "tue", "from": "09:00", "to": "12:30"}]}`
    replaces the week; `If-Match` (the revision or ETag read) refuses a save over a newer one."""
    form = Form.from_request()
    entries = [
        (
            part.text("desk", required=True, max_length=60) or "",
            part.text("weekday", required=True, max_length=10) or "",
            part.text("from", required=True, max_length=10) or "",
            part.text("to", required=True, max_length=10) or "",
        )
        for part in form.objects("shifts", required=True, max_items=MAX_SHIFTS)
    ]
    form.done()
    body = rota.replace(uow(), actor(), site, entries, _if_match())
    return body, 200, {"ETag": f'"{body["revision"]}"'}


def _if_match() -> str | None:
    value = request.headers.get("If-Match")
    if value is not None and (len(value) > 100 or not storable(value)):
        raise Invalid("If-Match is not a revision", fields={"If-Match": "not a revision"})
    return value
