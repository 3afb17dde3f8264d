"""The staffing planner for managers: desks needed per hour of a weekday."""

from __future__ import annotations

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from ..errors import Invalid
from ..services import staffing
from .context import actor, uow
from .validation import UNSTORABLE, storable

bp = Blueprint("staffing", __name__)


@bp.get("/reports/staffing")
def staffing_plan() -> ResponseReturnValue:
    """`?site=SLUG&weekday=tue`: Erlang C per hour, checked by simulating past days."""
    site, weekday = request.args.get("site"), request.args.get("weekday")
    missing = {name: "required" for name in ("site", "weekday") if not request.args.get(name)}
    if missing or site is None or weekday is None:
        raise Invalid(f"{' and '.join(missing)} required", fields=missing)
    if not storable(site):
        raise Invalid("the site holds characters that are not allowed", fields={"site": UNSTORABLE})
    return staffing.plan(uow(), actor(), site, weekday.lower())
