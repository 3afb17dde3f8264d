"""Managers' report pages under /staff/reports (manager role): the period picker, both sites
side by side and together, charts with their numbers, and the printable standards report.

The pages draw from the same report answers as GET /api/v1/reports/... (the `reports` use
case), so a page, its CSV links and the API never disagree."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from queue_service.api.context import actor, uow
from queue_service.errors import Forbidden, NotAuthenticated
from queue_service.rules import periods
from queue_service.rules.permissions import Role
from queue_service.services import reports, snapshots

from . import report_charts
from .access import staff_page, works_at
from .views import bp

KINDS = ("day", "week", "month", "quarter", "custom")


OVERVIEW = ("summary", "hourly", "weekly", "waits", "services")


@bp.get("/reports")
@staff_page(Role.MANAGER, Role.ADMIN)
def overview(user: dict[str, Any]) -> ResponseReturnValue:
    """The overview: summary side by side, charts by hour, week and wait, the breakdowns."""
    return _page(
        user,
        "reports/overview.html",
        OVERVIEW,
        lambda bodies: {
            "period": bodies["summary"],
            "scopes": report_charts.scopes(bodies["summary"]),
            "charts": report_charts.overview(bodies),
        },
    )


@bp.get("/reports/standards")
@staff_page(Role.MANAGER, Role.ADMIN)
def standards(user: dict[str, Any]) -> ResponseReturnValue:
    """The standards report in the council's "Our aims / What we achieved" form."""
    return _page(user, "reports/standards.html", ("standards",), lambda bodies: {})


def _page(
    user: dict[str, Any],
    template: str,
    names: tuple[str, ...],
    extra: Callable[[dict[str, dict[str, Any]]], dict[str, Any]],
) -> ResponseReturnValue:
    """A page of the reports `names` for the picked period, or why it cannot be shown."""
    picked = _picked_period()
    if isinstance(picked, str):
        return refused(picked, 422)
    period, name, form = picked
    try:
        bodies = {n: reports.report(uow(), actor(), n, None, period, name) for n in names}
    except (NotAuthenticated, Forbidden) as exc:
        return refused(exc.message, exc.status)
    return render_template(
        template,
        form=form,
        kinds=KINDS,
        bodies=bodies,
        query=_query(period, name),
        nav_sites=nav_sites(user),
        **extra(bodies),
    )


def nav_sites(user: dict[str, Any]) -> list[dict[str, Any]]:
    """The sites whose rota, staffing and audit pages the navigation links to: the user's own."""
    return [s for s in snapshots.list_sites(uow()) if works_at(user, s["slug"])]


def _picked_period() -> tuple[periods.Period, str | None, dict[str, str]] | str:
    """The period the picker asks for (the current quarter at first), or what is wrong."""
    args = request.args
    today = uow().now().date()
    form = {
        "kind": args.get("kind", "quarter"),
        "on": args.get("on", today.isoformat()),
        "from": args.get("from", ""),
        "to": args.get("to", ""),
    }
    try:
        if form["kind"] == "custom":
            return periods.resolve(None, form["from"] or None, form["to"] or None), None, form
        name = periods.containing(form["kind"], date.fromisoformat(form["on"]))
        return periods.named(name), name, form
    except (periods.PeriodError, ValueError) as exc:
        return _("That period cannot be shown: %(problem)s", problem=exc)


def _query(period: periods.Period, name: str | None) -> str:
    return f"period={name}" if name else f"from={period.first}&to={period.last}"


def refused(message: str, status: int) -> tuple[str, int]:
    """The page that says why a report page cannot be shown."""
    return render_template("reports/refused.html", message=message, status=status), status
