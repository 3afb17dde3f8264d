"""The audit trail: GET /sites/<site>/audit?date=&page=&per_page= (managers of the site)."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..services import audit
from .context import actor, uow
from .inputs import AuditQuery
from .outputs import AuditLog
from .spec import MANAGER, operation

bp = Blueprint("audit", __name__)


@bp.get("/sites/<site>/audit")
@operation({200: AuditLog}, query=AuditQuery, errors=MANAGER)
def day_log(site: str, query: AuditQuery) -> ResponseReturnValue:
    """Managers of the site: one page of its event log on a local day, oldest first (who
    acted, on which visit, at which desk, with the entry's data)."""
    return audit.day_log(uow(), actor(), site, query.date, query.page, query.per_page)
