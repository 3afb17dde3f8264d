"""The reports that are one table of statistics: per site, by hour, by service, by week,
and the spread of waits. Each gives rows for every site and, over several sites, for all
of them together (site "all")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from ...models import Site, Visit
from ...rules.periods import Period
from .measures import measured, week_start
from .scope import COMBINED
from .stats import empty, grouped

# Histogram bins of waits, in minutes: (lower, upper], the upper bound included as a target
# is ("≤ counts as met"); the last bin is open-ended.
WAIT_BINS_MIN = (5, 10, 15, 20, 30, 45, 60)
WAIT_COLUMNS = ("site", "from_min", "to_min", "visits")


def summary(session: Session, sites: Sequence[Site], period: Period) -> list[dict[str, Any]]:
    """One row per site, then all sites together; a site or period without visits still has
    its row, of zeros."""
    found = {row["site"]: row for row in _per_site_and_combined(session, sites, period, [])}
    slugs = [s.slug for s in sites] + ([COMBINED] if len(sites) > 1 else [])
    return [found.get(slug) or empty(site=slug) for slug in slugs]


def hourly(session: Session, sites: Sequence[Site], period: Period) -> list[dict[str, Any]]:
    """One row per site and local hour of arrival."""
    return _per_site_and_combined(session, sites, period, ["hour"])


def services(session: Session, sites: Sequence[Site], period: Period) -> list[dict[str, Any]]:
    """One row per site and service (services are matched across sites by code)."""
    return _per_site_and_combined(session, sites, period, ["service"])


def weekly(session: Session, sites: Sequence[Site], period: Period) -> list[dict[str, Any]]:
    """One row per site and week (weeks start on Monday, by local day)."""
    rows = _per_site_and_combined(
        session, sites, period, ["week"], week_start(Visit.local_date).label("week")
    )
    for row in rows:
        row["week"] = _as_date_text(row["week"])
    return rows


def waits(session: Session, sites: Sequence[Site], period: Period) -> list[dict[str, Any]]:
    """How many started visits waited how long, in bins of minutes, per site and combined."""
    base = measured(period, [s.id for s in sites]).subquery("measured")
    upper = [*WAIT_BINS_MIN, None]
    bin_index = case(
        *((base.c.wait_s <= minutes * 60, i) for i, minutes in enumerate(WAIT_BINS_MIN)),
        else_=len(WAIT_BINS_MIN),
    ).label("bin")
    rows = []
    groupings = [[base.c.site]] + ([[]] if len(sites) > 1 else [])
    for keys in groupings:
        stmt = (
            select(*keys, bin_index, func.count().label("visits"))
            .where(base.c.wait_s.is_not(None))
            .group_by(*keys, bin_index)
            .order_by(*keys, bin_index)
        )
        for row in session.execute(stmt).mappings():
            i = row["bin"]
            rows.append(
                {
                    "site": row["site"] if keys else COMBINED,
                    "from_min": 0 if i == 0 else WAIT_BINS_MIN[i - 1],
                    "to_min": upper[i],
                    "visits": row["visits"],
                }
            )
    return rows


def _per_site_and_combined(
    session: Session,
    sites: Sequence[Site],
    period: Period,
    keys: list[str],
    *extra: ColumnElement[Any],
) -> list[dict[str, Any]]:
    rows = measured(period, [s.id for s in sites], *extra)
    return grouped(session, rows, keys, combined=len(sites) > 1)


def _as_date_text(value: Any) -> str:
    # PostgreSQL returns a date, SQLite the text it computed.
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
