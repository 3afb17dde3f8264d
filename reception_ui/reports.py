"""Managers' report pages under /staff/reports (manager role): the period picker, both sites
side by side and together, charts with their numbers, and the printable standards report.

The pages draw from the same report answers as GET /api/v1/reports/... (the `reports` use
case), so a page, its CSV links and the API never disagree."""

from __future__ import annotations

from datetime import date

from flask import render_template, request
from flask.typing import ResponseReturnValue

from queue_service.api.context import actor, uow
from queue_service.errors import Forbidden, NotAuthenticated
from queue_service.rules import periods
from queue_service.services import reports

from . import report_charts
from .views import bp

KINDS = ("day", "week", "month", "quarter", "custom")


@bp.get("/reports")
def overview() -> ResponseReturnValue:
    """The overview: summary side by side, charts by hour, week and wait, the breakdowns."""
    picked = _picked_period()
    if isinstance(picked, str):
        return _refused(picked, 422)
    period, name, form = picked
    try:
        bodies = {
            report: reports.report(uow(), actor(), report, None, period, name)
            for report in ("summary", "hourly", "weekly", "waits", "services")
        }
    except (NotAuthenticated, Forbidden) as exc:
        return _refused(exc.message, exc.status)
    return render_template(
        "reports/overview.html",
        form=form,
        kinds=KINDS,
        period=bodies["summary"],
        scopes=report_charts.scopes(bodies["summary"]),
        charts=report_charts.overview(bodies),
        bodies=bodies,
        query=_query(period, name),
    )


@bp.get("/reports/standards")
def standards() -> ResponseReturnValue:
    """The standards report in the council's "Our aims / What we achieved" form."""
    picked = _picked_period()
    if isinstance(picked, str):
        return _refused(picked, 422)
    period, name, form = picked
    try:
        body = reports.report(uow(), actor(), "standards", None, period, name)
    except (NotAuthenticated, Forbidden) as exc:
        return _refused(exc.message, exc.status)
    return render_template(
        "reports/standards.html", form=form, kinds=KINDS, body=body, query=_query(period, name)
    )


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
        return f"That period cannot be shown: {exc}"


def _query(period: periods.Period, name: str | None) -> str:
    return f"period={name}" if name else f"from={period.first}&to={period.last}"


def _refused(message: str, status: int) -> tuple[str, int]:
    return render_template("reports/refused.html", message=message, status=status), status
