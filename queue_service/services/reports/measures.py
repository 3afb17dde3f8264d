"""The rows every report aggregates, for both databases.

Every report selects `measured(...)`: one row per visit with its times in seconds (the
measures of DESIGN §8, which the database keeps on the visit) and its site's targets beside
it, so that aggregation (and nothing in Python) does the counting.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement

from ...models import Service, Site, Visit
from ...rules.periods import Period


class week_start(FunctionElement[Any]):
    """The Monday of a date's week."""

    inherit_cache = True
    name = "week_start"


@compiles(week_start, "postgresql")
def _week_pg(element: week_start, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(week_start, "sqlite")
def _week_sqlite(element: week_start, compiler: SQLCompiler, **kw: Any) -> str:
    day = compiler.process(element.clauses, **kw)
    # strftime('%w') counts from Sunday = 0; Monday is 1.
    return f"date({day}, '-' || ((CAST(strftime('%w', {day}) AS INTEGER) + 6) % 7) || ' days')"


def measured(
    period: Period, site_ids: list[int], *extra: ColumnElement[Any]
) -> Select[*tuple[Any, ...]]:
    """One row per visit that arrived at the sites during the period (local days): its times
    in seconds (None for a step never reached), what it was told to expect, its site's
    targets, and any `extra` columns a report groups by. Measures derived from these (see
    `derived`) are computed from the columns, so each time is worked out once per row."""
    return (
        select(
            Site.slug.label("site"),
            Visit.local_hour.label("hour"),
            Service.code.label("service"),
            Service.name.label("service_name"),
            Visit.status.label("status"),
            Visit.kind.label("kind"),
            Visit.time_to_greet_s.label("greet_s"),
            Visit.wait_s.label("wait_s"),
            Visit.service_time_s.label("service_s"),
            Visit.estimate_at_issue_s.label("estimate_s"),
            Visit.estimate_at_issue_low_s.label("estimate_low_s"),
            Visit.estimate_at_issue_high_s.label("estimate_high_s"),
            Site.greet_target_s.label("greet_target_s"),
            Site.wait_target_s.label("wait_target_s"),
            Site.appointment_target_s.label("appointment_target_s"),
            *extra,
        )
        .join(Site, Site.id == Visit.site_id)
        .join(Service, Service.id == Visit.service_id)
        .where(
            Visit.site_id.in_(site_ids),
            Visit.local_date.between(period.first, period.last),
        )
    )


def derived(c: ReadOnlyColumnCollection[str, Any]) -> dict[str, ColumnElement[Any]]:
    """The measures computed from a measured row's columns: an appointment's lateness is its
    wait; the estimate error is what was shown at issue minus the actual wait (positive: the
    wait was shorter than promised); and whether the wait fell inside the range shown."""
    return {
        "lateness_s": case((c.kind == "appointment", c.wait_s)),
        "estimate_error_s": c.estimate_s - c.wait_s,
        "in_estimate_range": and_(c.estimate_low_s <= c.wait_s, c.wait_s <= c.estimate_high_s),
    }
