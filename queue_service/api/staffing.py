"""The staffing planner for managers: desks needed per hour of a weekday."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..services import staffing
from .context import actor, planner, uow
from .inputs import StaffingQuery
from .outputs import StaffingPlan
from .spec import MANAGER, operation

bp = Blueprint("staffing", __name__)


@bp.get("/reports/staffing")
@operation({200: StaffingPlan}, query=StaffingQuery, errors=(*MANAGER, 404, 503))
def staffing_plan(query: StaffingQuery) -> ResponseReturnValue:
    """Desks needed per hour of a weekday (manager): Erlang C, checked by simulating that
    weekday's past days, beside the rota's planned desks (`rota_desks`, averaged over the
    hour); `?site=SLUG&weekday=tue`."""
    return staffing.plan(uow(), actor(), query.site, query.weekday.lower(), planner())
