"""Managers' reports: GET /reports/<name>?site=&from=&to= or ?period=2025Q3, JSON or CSV."""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from ..errors import Invalid
from ..rules.periods import PeriodError, resolve
from ..services import reports
from ..services.reports.export import to_csv
from .context import actor, uow
from .validation import only_query

bp = Blueprint("reports", __name__)

PARAMETERS = {"site", "from", "to", "period", "format"}
FORMATS = ("json", "csv")


def show(name: str) -> ResponseReturnValue:
    """One report, for `site` or every site the manager may see."""
    args = request.args
    only_query(PARAMETERS)
    output = args.get("format", "json")
    if output not in FORMATS:
        raise Invalid("unknown format", fields={"format": "must be json or csv"})
    try:
        period = resolve(args.get("period"), args.get("from"), args.get("to"))
    except PeriodError as exc:
        raise Invalid(f"{exc.field}: {exc}", fields={exc.field: str(exc)}) from exc
    body = reports.report(uow(), actor(), name, args.get("site"), period, args.get("period"))
    if output == "json":
        return body
    filename = f"{name}-{body.get('period') or body['from'] + '_' + body['to']}.csv"
    return Response(
        to_csv(body["columns"], body["rows"]),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


for _name in reports.NAMES:
    bp.add_url_rule(f"/reports/{_name}", f"show_{_name}", show, defaults={"name": _name})
