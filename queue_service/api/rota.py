"""The rota: a site's planned desk hours for the week, read by its staff, replaced by its
managers (services/rota.py says why the week is one document)."""

from __future__ import annotations

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from ..errors import Invalid
from ..services import rota
from .context import actor, uow
from .inputs import RotaRequest
from .outputs import Rota
from .spec import IF_MATCH, STAFF, operation
from .validation import storable

bp = Blueprint("rota", __name__)


@bp.get("/sites/<site>/rota")
@operation({200: Rota}, errors=(401, 403))
def show_rota(site: str) -> ResponseReturnValue:
    """The week's planned desk hours (staff of the site), with the desks and opening hours;
    the ETag header is the answer's revision."""
    body = rota.week(uow(), actor(), site)
    return body, 200, {"ETag": f'"{body["revision"]}"'}


@bp.put("/sites/<site>/rota")
@operation({200: Rota}, body=RotaRequest, errors=STAFF, headers=(IF_MATCH,))
def replace_rota(site: str, body: RotaRequest) -> ResponseReturnValue:
    """Replace the week's planned desk hours (managers). The site's version rises, so
    estimates and screens use the new rota at once. A bad entry is 422 naming
    `shifts[i].field` (unknown desk, weekday, time, to not after from, overlapping hours of
    one desk); with If-Match, a rota changed since is 409 rota_changed. A later
    `queue-service sites load` keeps this rota unless run with --replace-rota."""
    entries = [(s.desk, s.weekday, s.from_, s.to) for s in body.shifts]
    answer = rota.replace(uow(), actor(), site, entries, _if_match())
    return answer, 200, {"ETag": f'"{answer["revision"]}"'}


def _if_match() -> str | None:
    value = request.headers.get("If-Match")
    if value is not None and (len(value) > 100 or not storable(value)):
        raise Invalid("If-Match is not a revision", fields={"If-Match": "not a revision"})
    return value
