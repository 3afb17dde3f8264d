"""Managers' reports: GET /reports/<name>?site=&from=&to= or ?period=2025Q3, JSON or CSV."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response
from flask.typing import ResponseReturnValue

from ..errors import Invalid
from ..rules.periods import PeriodError, resolve
from ..services import reports
from ..services.reports.export import to_csv
from .context import actor, uow
from .inputs import ReportQuery
from .outputs import Report
from .spec import MANAGER, operation

bp = Blueprint("reports", __name__)

SUMMARIES = {
    "summary": "Per site and all sites together: visits, outcomes, time to greet, wait, "
    "appointment lateness, service time (average, median, 90th percentile), shares within "
    "target, estimate error; the scope's figures also at the top level",
    "hourly": "The summary's measures by local hour of arrival",
    "services": "The summary's measures by service",
    "weekly": "The summary's measures by week (weeks start on Monday)",
    "waits": "How many started visits waited how long, in bins of minutes",
    "standards": "The standards report: per aim the target, visits reaching the step, "
    "visits within target, the share and the times; `aims` states each aim and what was "
    "achieved in words",
}


def show(name: str, query: ReportQuery) -> ResponseReturnValue:
    """One report, for `site` or every site the manager may see."""
    try:
        period = resolve(query.period, query.from_, query.to)
    except PeriodError as exc:
        raise Invalid(f"{exc.field}: {exc}", fields={exc.field: str(exc)}) from exc
    body = reports.report(uow(), actor(), name, query.site, period, query.period)
    if query.format == "json":
        return body
    filename = f"{name}-{body.get('period') or body['from'] + '_' + body['to']}.csv"
    return Response(
        to_csv(body["columns"], body["rows"]),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _view(name: str) -> Callable[..., ResponseReturnValue]:
    def view(query: ReportQuery) -> ResponseReturnValue:
        return show(name, query)

    view.__name__ = f"show_{name}"
    return operation(
        {200: Report},
        query=ReportQuery,
        errors=(*MANAGER, 404),
        csv_answer=True,
        summary=SUMMARIES[name],
    )(view)


for _name in reports.NAMES:
    bp.add_url_rule(f"/reports/{_name}", view_func=_view(_name))
