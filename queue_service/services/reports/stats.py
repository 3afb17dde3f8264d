"""Grouped statistics over measured visits: counts, shares within target, averages, medians
and 90th percentiles, all computed by the database.

The measured rows are computed once per statement (a materialised CTE). When several sites
are reported, the rows are read a second time under the site "all", so that each site and all
of them together come from one statement without computing the times twice.

Percentiles are `percentile_cont` (linear interpolation between the two nearest ranks). On
PostgreSQL that is the built-in ordered-set aggregate, in the same statement as the rest. SQLite
has none: from the counts of the first statement, the ranks each percentile needs are known
(around p x (n - 1)); a second statement puts every measured time of every group in one
column, ranks them with one window (one sort), keeps the rows at those ranks and sums them
with their weights.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    and_,
    case,
    column,
    func,
    literal,
    or_,
    select,
    union_all,
    values,
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
# measure column -> the count of visits that have it, in the first statement.
COUNTED = {
    "greet_s": "greeted",
    "wait_s": "started",
    "lateness_s": "appointments_started",
    "service_s": "completed",
}
PERCENTILES = {"median": 0.5, "p90": 0.9}
# status -> the count it is reported under: every visit lands in exactly one.
OUTCOMES = {
    Status.DONE: "served",
    Status.NO_SHOW: "no_shows",
    Status.LEFT: "left",
    Status.CANCELLED: "cancelled",
    Status.CLOSED: "unserved_at_close",  # still waiting or called when the day ended
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
        for key, found_values in _interpolated(session, scoped, ["site", *keys], found).items():
            found[key].update(found_values)
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
    session: Session, s: CTE | Subquery, keys: list[str], groups: dict[tuple[Any, ...], Any]
) -> dict[tuple[Any, ...], dict[str, float]]:
    """percentile_cont for SQLite. The groups' counts (from the first statement) give the
    one or two ranks each percentile needs; one window ranks every measured time of every
    group in one sort, and a join to those ranks sums them with their weights."""
    positions = _positions(keys, groups)
    if not positions:
        return {}
    timed = _timed_columns(s)
    stacked = union_all(
        *(
            select(*(s.c[k] for k in keys), literal(i).label("measure"), timed[m].label("x")).where(
                timed[m].is_not(None)
            )
            for i, m in enumerate(TIMED)
        )
    ).subquery("stacked")
    partition = [stacked.c[k] for k in (*keys, "measure")]
    rank = func.row_number().over(partition_by=partition, order_by=stacked.c.x) - 1
    ranked = select(stacked, rank.label("rank")).subquery("ranked")
    # Only the rows at a rank some group wants, set apart first: joined to the positions
    # directly, SQLite would scan every ranked row once per position.
    ranks = sorted({p[-3] for p in positions} | {p[-2] for p in positions})
    picked = (
        select(ranked).where(ranked.c["rank"].in_(ranks)).cte("picked").prefix_with("MATERIALIZED")
    )
    wanted = (
        values(
            *(column(k, s.c[k].type) for k in keys),
            column("measure", Integer),
            column("name", String),
            column("low", Integer),
            column("high", Integer),
            column("fraction", Float),
            name="positions",
        )
        .data(positions)
        .cte("wanted")
    )
    r, w = picked.c, wanted.c
    weighted = case(
        (r["rank"] == w.low, r.x * (1 - w.fraction)),
        (r["rank"] == w.high, r.x * w.fraction),
    )
    on = and_(
        *(r[k] == w[k] for k in (*keys, "measure")), or_(r["rank"] == w.low, r["rank"] == w.high)
    )
    stmt = (
        select(*(w[k] for k in keys), w.name, func.sum(weighted).label("value"))
        .select_from(wanted.join(picked, on))
        .group_by(*(w[k] for k in keys), w.name)
    )
    result: dict[tuple[Any, ...], dict[str, float]] = defaultdict(dict)
    for row in session.execute(stmt).mappings():
        result[tuple(row[k] for k in keys)][row["name"]] = row["value"]
    return result


def _positions(keys: list[str], groups: dict[tuple[Any, ...], Any]) -> list[tuple[Any, ...]]:
    """Per group, timed measure and percentile: the ranks around p x (n - 1) and the weight
    of the upper one, as percentile_cont takes them."""
    positions = []
    for key, row in groups.items():
        for i, (measure, name) in enumerate(TIMED.items()):
            n = row[COUNTED[measure]]
            if not n:
                continue
            for label, p in PERCENTILES.items():
                position = p * (n - 1)
                low = math.floor(position)
                fraction = position - low
                high = low + (1 if fraction > 0 else 0)
                positions.append((*key, i, f"{label}_{name}", low, high, fraction))
    return positions


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
