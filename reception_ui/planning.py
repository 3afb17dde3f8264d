"""Managers' planning pages on the staff blueprint: the rota (the week's planned desk hours,
edited through `PUT /api/v1/sites/<site>/rota` by `static/rota.js`) and the staffing plan
(desks needed per hour of a weekday beside the rota's, from the same use case as
`GET /api/v1/reports/staffing`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from queue_service.api.context import actor, planner, uow
from queue_service.errors import Invalid, Unavailable
from queue_service.rules.calendar import DAYS, local_date, zone
from queue_service.rules.permissions import Role
from queue_service.services import rota, staffing

from . import report_charts, strings
from .access import staff_page
from .reports import nav_sites, refused
from .views import bp


def day_names() -> dict[str, str]:
    """Each weekday's name in the page's language, by its code."""
    names = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
             _("Saturday"), _("Sunday"))  # fmt: skip
    return dict(zip(DAYS, names, strict=True))


@bp.get("/<site>/rota")
@staff_page(Role.MANAGER, Role.ADMIN)
def rota_page(user: dict[str, Any], site: dict[str, Any]) -> ResponseReturnValue:
    """The week's planned desk hours: a table to read, a form per desk to change them."""
    week = rota.week(uow(), actor(), site["slug"])
    grid = {
        desk["name"]: {day: [s for s in week["shifts"] if s["desk"] == desk["name"]
                             and s["weekday"] == day] for day in DAYS}
        for desk in week["desks"]
    }  # fmt: skip
    return render_template(
        "reports/rota.html",
        strings=strings.rota(),
        user=user,
        site=site,
        week=week,
        grid=grid,
        days=day_names(),
        edited=_local(week["edited_at"], week["timezone"]),
        saved=request.args.get("saved") == "1",
        nav_sites=nav_sites(user),
    )


def _local(instant: str | None, timezone: str) -> str | None:
    if instant is None:
        return None
    return datetime.fromisoformat(instant).astimezone(zone(timezone)).strftime("%Y-%m-%d %H:%M")


@bp.get("/<site>/staffing")
@staff_page(Role.MANAGER, Role.ADMIN)
def staffing_page(user: dict[str, Any], site: dict[str, Any]) -> ResponseReturnValue:
    """Desks needed per hour of a weekday (Erlang C, then checked by simulation) beside the
    desks the rota plans; the site's local weekday today unless `?weekday=` picks one."""
    today = DAYS[local_date(uow().now(), site["timezone"]).weekday()]
    weekday = request.args.get("weekday", today)
    try:
        plan = staffing.plan(uow(), actor(), site["slug"], weekday, planner())
    except (Invalid, Unavailable) as exc:
        return refused(exc.message, exc.status)
    return render_template(
        "reports/staffing.html",
        user=user,
        site=site,
        plan=plan,
        chart=report_charts.staffing(plan),
        days=day_names(),
        nav_sites=nav_sites(user),
    )
