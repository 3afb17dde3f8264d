"""Grouped statistics over measured visits: counts, shares within target, averages, medians
and 90th percentiles, all computed by the database.

The measured rows are computed once per report (a materialised CTE). When several sites are
reported, the rows are read a second time under the site "all", so that each site and all of
them together come from one statement without computing the times twice.

Percentiles are `percentile_cont` (linear interpolation between the two nearest ranks). On
PostgreSQL that is the built-in ordered-set aggregate, in the same statement as the rest. SQLite
has none: a second statement puts every measured time of every group in one column, ranks them
with one window (one sort), and sums the one or two rows around position p x (n - 1) with
their weights.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    Select,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Subquery

from ...rules.lifecycle import Status
from ...rules.targets import percent, seconds, within
from .measures import derived
from .scope import COMBINED

# measure column -> the name its statistics are reported under.
TIMED = {
    "greet_s": "time_to_greet_s",
    "wait_s": "wait_s",
    "lateness_s": "appointment_lateness_s",
    "service_s": "service_time_s",
}
PERCENTILES = {"median": 0.5, "p90": 0.9}
# status -> the count it is reported under: every visit lands in exactly one.
OUTCOMES = {
    Status.DONE: "served",
    Status.NO_SHOW: "no_shows",
    Status.LEFT: "left",
    Status.CANCELLED: "cancelled",
    # Status.CLOSED, set at the end of the day on whatever was still waiting or called.
    "closed": "unserved_at_close",
}
IN_PROGRESS = (Status.WAITING, Status.CALLED, Status.SERVING)
COUNTS = (
    "visits",
    *OUTCOMES.values(),
    "in_progress",
    "greeted",
    "greeted_in_target",
    "started",
    "started_in_target",
    "appointments",
    "appointments_started",
    "appointments_on_time",
    "completed",
    "estimates",
    "estimates_in_range",
)


def grouped(
    session: Session, rows: Select[Any], keys: Sequence[str], *, combined: bool
) -> list[dict[str, Any]]:
    """The statistics of `rows` (see measures.measured) per site and distinct value of `keys`,
    in key order; with `combined`, then the same for all sites together (site "all")."""
    # Materialised: SQLite would otherwise put each measure's expression wherever it is read
    # and compute the times again and again.
    base = rows.cte("measured").prefix_with("MATERIALIZED")
    scoped = _with_combined(base) if combined else base
    group = [scoped.c[k] for k in ("site", *keys)]
    postgres = session.get_bind().dialect.name == "postgresql"
    quantiles = _percentile_cont(scoped) if postgres else []
    stmt = select(*group, *_aggregates(scoped), *quantiles).group_by(*group)
    found = {
        tuple(row[k] for k in ("site", *keys)): dict(row)
        for row in session.execute(stmt).mappings()
    }
    if not postgres:
        for key, values in _interpolated(session, scoped, ["site", *keys]).items():
            found[key].update(values)
    ordered = sorted(found, key=lambda k: (k[0] == COMBINED, *k))
    return [_shape(found[k], ["site", *keys]) for k in ordered]


def _with_combined(base: CTE) -> Subquery:
    everything = [literal(COMBINED).label("site") if c.name == "site" else c for c in base.c]
    return union_all(select(base), select(*everything)).subquery("scoped")


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _timed_columns(s: CTE | Subquery) -> dict[str, ColumnElement[Any]]:
    c, more = s.c, derived(s.c)
    return {m: more[m] if m in more else c[m] for m in TIMED}


def _aggregates(s: CTE | Subquery) -> list[ColumnElement[Any]]:
    c, more = s.c, derived(s.c)
    timed = _timed_columns(s)
    outcomes = [_count_if(c.status == status).label(name) for status, name in OUTCOMES.items()]
    return [
        func.count().label("visits"),
        *outcomes,
        _count_if(c.status.in_(IN_PROGRESS)).label("in_progress"),
        func.max(c.service_name).label("service_name"),
        func.count(c.greet_s).label("greeted"),
        _count_if(within(c.greet_s, c.greet_target_s)).label("greeted_in_target"),
        func.count(c.wait_s).label("started"),
        _count_if(within(c.wait_s, c.wait_target_s)).label("started_in_target"),
        _count_if(c.kind == "appointment").label("appointments"),
        func.count(timed["lateness_s"]).label("appointments_started"),
        _count_if(within(timed["lateness_s"], c.appointment_target_s)).label(
            "appointments_on_time"
        ),
        func.count(c.service_s).label("completed"),
        func.count(more["estimate_error_s"]).label("estimates"),
        func.avg(func.abs(more["estimate_error_s"])).label("estimate_mean_abs_error_s"),
        func.avg(more["estimate_error_s"]).label("estimate_bias_s"),
        _count_if(more["in_estimate_range"]).label("estimates_in_range"),
        *(func.avg(timed[m]).label(f"avg_{name}") for m, name in TIMED.items()),
    ]


def _percentile_cont(s: CTE | Subquery) -> list[ColumnElement[Any]]:
    return [
        func.percentile_cont(p).within_group(timed).label(f"{label}_{name}")
        for timed, name in zip(_timed_columns(s).values(), TIMED.values(), strict=True)
        for label, p in PERCENTILES.items()
    ]


def _interpolated(
    session: Session, s: CTE | Subquery, keys: list[str]
) -> dict[tuple[Any, ...], dict[str, float]]:
    """percentile_cont for SQLite: per group, the values of every timed measure."""
    measures = list(TIMED)
    timed = _timed_columns(s)
    stacked = union_all(
        *(
            select(*(s.c[k] for k in keys), literal(i).label("measure"), timed[m].label("x")).where(
                timed[m].is_not(None)
            )
            for i, m in enumerate(measures)
        )
    ).subquery("stacked")
    partition = [stacked.c[k] for k in (*keys, "measure")]
    ranked = select(
        stacked,
        (func.row_number().over(partition_by=partition, order_by=stacked.c.x) - 1).label("rank"),
        # The same window with the whole partition as its frame: one sort serves both.
        func.count()
        .over(partition_by=partition, order_by=stacked.c.x, rows=(None, None))
        .label("n"),
    ).subquery("ranked")
    columns = []
    for label, p in PERCENTILES.items():
        position = literal(p) * (ranked.c.n - 1)
        low = cast(position, Integer)  # position >= 0, so truncation is the floor
        fraction = position - low
        high = low + case((fraction > 0, 1), else_=0)
        weighted = case(
            (ranked.c["rank"] == low, ranked.c.x * (1 - fraction)),
            (ranked.c["rank"] == high, ranked.c.x * fraction),
        )
        columns.append(func.sum(weighted).label(label))
    group = [ranked.c[k] for k in (*keys, "measure")]
    stmt = select(*group, *columns).group_by(*group)
    result: dict[tuple[Any, ...], dict[str, float]] = defaultdict(dict)
    for row in session.execute(stmt).mappings():
        name = TIMED[measures[row["measure"]]]
        for label in PERCENTILES:
            result[tuple(row[k] for k in keys)][f"{label}_{name}"] = row[label]
    return result


def _shape(row: Any, keys: Sequence[str]) -> dict[str, Any]:
    """One group as reported: its keys, counts, shares within target and times in seconds."""
    out: dict[str, Any] = {k: row[k] for k in keys}
    if "service" in keys:
        out["service_name"] = row["service_name"]
    count = {name: int(row[name] or 0) for name in COUNTS}
    out["visits"] = count["visits"]
    for name in (*OUTCOMES.values(), "in_progress"):
        out[name] = count[name]
    out["greeted"] = count["greeted"]
    out["greeted_within_2_min"] = count["greeted_in_target"]
    out["pct_greeted_within_2_min"] = percent(count["greeted_in_target"], count["greeted"])
    out.update(_timed(row, "time_to_greet_s"))
    out["started"] = count["started"]
    out["started_within_15_min"] = count["started_in_target"]
    out["pct_started_within_15_min"] = percent(count["started_in_target"], count["started"])
    out.update(_timed(row, "wait_s"))
    out["appointments"] = count["appointments"]
    out["appointments_started"] = count["appointments_started"]
    out["appointments_on_time"] = count["appointments_on_time"]
    out["pct_appointments_on_time"] = percent(
        count["appointments_on_time"], count["appointments_started"]
    )
    out.update(_timed(row, "appointment_lateness_s"))
    out["completed"] = count["completed"]
    out.update(_timed(row, "service_time_s"))
    out["estimates"] = count["estimates"]
    out["estimate_mean_abs_error_s"] = seconds(row["estimate_mean_abs_error_s"])
    out["estimate_bias_s"] = seconds(row["estimate_bias_s"])
    out["pct_within_estimate_range"] = percent(count["estimates_in_range"], count["estimates"])
    return out


def empty(**keys: Any) -> dict[str, Any]:
    """The statistics of a group with no visits: zero counts, no times, no shares."""
    return _shape(defaultdict(lambda: None, keys), list(keys))


def _timed(row: Any, name: str) -> dict[str, float | None]:
    return {
        f"{label}_{name}": seconds(row.get(f"{label}_{name}")) for label in ("avg", *PERCENTILES)
    }
