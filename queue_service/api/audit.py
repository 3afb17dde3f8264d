"""The audit trail: GET /sites/<site>/audit?date=&page=&per_page= (managers of the site)."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..services import audit
from .context import actor, uow
from .validation import only_query, query_date, query_integer

bp = Blueprint("audit", __name__)

PARAMETERS = {"date", "page", "per_page"}


@bp.get("/sites/<site>/audit")
def day_log(site: str) -> ResponseReturnValue:
    """One page of the site's event log on a local day, oldest first."""
    only_query(PARAMETERS)
    day = query_date("date")
    page = query_integer("page", 1, 1, 1_000_000)
    per_page = query_integer("per_page", audit.PER_PAGE, 1, audit.MAX_PER_PAGE)
    return audit.day_log(uow(), actor(), site, day, page, per_page)
