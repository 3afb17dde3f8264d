"""Managers' reports (DESIGN §8): the use cases. Each reads in one transaction and answers
`{"report", "from", "to", "period"?, "sites", "columns", "rows"}`, where `rows` is exactly the
table the CSV export holds; the summary also puts its scope's figures at the top level."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from ...models import Site
from ...rules.periods import Period
from ...rules.permissions import Actor
from ..uow import UnitOfWork
from . import breakdowns, standards
from .scope import sites_in_scope
from .stats import empty

Builder = Callable[[Session, Sequence[Site], Period], list[dict[str, Any]]]
# The columns of each report's rows (and of its CSV), in order.
COLUMNS: dict[str, list[str]] = {
    "summary": list(empty(site=None)),
    "hourly": list(empty(site=None, hour=None)),
    "services": list(empty(site=None, service=None)),
    "weekly": list(empty(site=None, week=None)),
    "waits": list(breakdowns.WAIT_COLUMNS),
    "standards": list(standards.COLUMNS),
}
TABLES: dict[str, Builder] = {
    "summary": breakdowns.summary,
    "hourly": breakdowns.hourly,
    "services": breakdowns.services,
    "weekly": breakdowns.weekly,
    "waits": breakdowns.waits,
}
NAMES = (*TABLES, "standards")


def report(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    site_slug: str | None,
    period: Period,
    period_name: str | None = None,
) -> dict[str, Any]:
    """The report called `name` for one site, or for every site the actor may see."""
    with uow.reading() as session:
        sites = sites_in_scope(session, actor, site_slug)
        body: dict[str, Any] = {
            "report": name,
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
        }
        if period_name is not None:
            body["period"] = period_name
        body["sites"] = [s.slug for s in sites]
        body["columns"] = COLUMNS[name]
        if name == "standards":
            summary = breakdowns.summary(session, sites, period)
            body["rows"] = standards.rows(session, sites, period, summary)
            body["aims"] = standards.statements(body["rows"], period)
        else:
            body["rows"] = TABLES[name](session, sites, period)
        if name == "summary":
            scope = body["rows"][-1]
            body.update({k: v for k, v in scope.items() if k != "site"})
        return body
