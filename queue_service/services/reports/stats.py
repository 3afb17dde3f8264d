"""Grouped statistics over measured visits: counts, shares within target, averages, medians
and 90th percentiles, all computed by the database.

The measured rows are one CTE. When several sites are reported, the rows are read a second
time under the site "all", so that each site and all of them together come from one statement.

Percentiles are `percentile_cont` (linear interpolation between the two nearest ranks). On
PostgreSQL that is the built-in ordered-set aggregate, in the same statement as the rest. SQLite
has none: from the counts of the first statement, the ranks each percentile needs are known
(around p x (n - 1)); a second statement puts every measured time of every group in one
column, ranks them within their site and across all sites in one sort, keeps the rows at the
wanted ranks and sums them with their weights.
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
    null,
    or_,
    select,
    tuple_,
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
    base = rows.cte("measured")
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
        interpolated = _interpolated(session, rows, ["site", *keys], found, combined=combined)
        for key, found_values in interpolated.items():
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
    session: Session,
    rows: Select[Any],
    keys: list[str],
    groups: dict[tuple[Any, ...], Any],
    *,
    combined: bool,
) -> dict[tuple[Any, ...], dict[str, float]]:
    """percentile_cont for SQLite. The groups' counts (from the first statement) give the
    one or two ranks each percentile needs; the measured times of every visit, stacked in
    one column, are ranked within their site and over all sites in one sort, and a join to
    the wanted ranks sums the values found there with their weights."""
    positions = _positions(keys, groups)
    if not positions:
        return {}
    s = rows.subquery("measured")
    timed = _timed_columns(s)
    stacked = union_all(
        *(
            select(*(s.c[k] for k in keys), literal(i).label("measure"), timed[m].label("x")).where(
                timed[m].is_not(None)
            )
            for i, m in enumerate(TIMED)
        )
    ).subquery("stacked")
    ranked = _ranked(stacked, keys, groups, combined=combined)
    wanted = (
        values(
            *(column(k, s.c[k].type) for k in keys),
            column("measure", Integer),
            column("name", String),
            column("rank", Integer),
            column("weight", Float),
            name="positions",
        )
        .data(positions)
        .cte("wanted")
    )
    w, along = wanted.c, [*keys[1:], "measure"]
    # Only the rows at a rank some group wants, set apart first (a row-value IN, which SQLite
    # answers from an index it makes of the positions): joined to the positions directly, it
    # would compare every ranked row with every position.
    at_site = tuple_(*(ranked.c[k] for k in ("site", *along)), ranked.c.site_rank).in_(
        select(*(w[k] for k in ("site", *along)), w["rank"])
    )
    across = tuple_(*(ranked.c[k] for k in along), ranked.c.all_rank).in_(
        select(*(w[k] for k in along), w["rank"]).where(w.site == COMBINED)
    )
    picked = select(ranked).where(or_(at_site, across)).cte("picked").prefix_with("MATERIALIZED")
    # A site's percentiles come from the ranks within it, those of all sites from the ranks
    # across them.
    r = picked.c
    same = [r[k] == w[k] for k in along]
    found = union_all(
        select(wanted, r.x).join_from(
            wanted, picked, and_(*same, r.site == w.site, r.site_rank == w["rank"])
        ),
        select(wanted, r.x).join_from(
            wanted, picked, and_(*same, w.site == COMBINED, r.all_rank == w["rank"])
        ),
    ).subquery("found")
    f = found.c
    stmt = select(*(f[k] for k in keys), f.name, func.sum(f.x * f.weight).label("value")).group_by(
        *(f[k] for k in keys), f.name
    )
    result: dict[tuple[Any, ...], dict[str, float]] = defaultdict(dict)
    for row in session.execute(stmt).mappings():
        result[tuple(row[k] for k in keys)][row["name"]] = row["value"]
    return result


def _ranked(
    stacked: Subquery, keys: list[str], groups: dict[tuple[Any, ...], Any], *, combined: bool
) -> Subquery:
    """The stacked times with their ranks (from 0) within their site and, with `combined`,
    over all sites, from one sort: along each key and measure, a row's rank over all sites is
    its row number, and its rank within its site is how many rows of that site came up to it.
    (A window per site and one over all would sort twice; rows stacked again under site
    "all", as the first statement reads them, would double the sort.)"""
    # ROWS, not the default RANGE: with ties, RANGE would give all of them the last rank.
    window: dict[str, Any] = {
        "partition_by": [stacked.c[k] for k in (*keys[1:], "measure")],
        "order_by": stacked.c.x,
        "rows": (None, 0),
    }
    row_number = func.row_number().over(**window) - 1
    if not combined:
        return select(stacked, row_number.label("site_rank"), null().label("all_rank")).subquery(
            "ranked"
        )
    site = stacked.c.site
    slugs = sorted({key[0] for key in groups if key[0] != COMBINED})
    site_rank = case(
        *((site == slug, _count_if(site == slug).over(**window) - 1) for slug in slugs)
    )
    return select(stacked, site_rank.label("site_rank"), row_number.label("all_rank")).subquery(
        "ranked"
    )


def _positions(keys: list[str], groups: dict[tuple[Any, ...], Any]) -> list[tuple[Any, ...]]:
    """Per group, timed measure and percentile: the one or two ranks around p x (n - 1) with
    their weights, as percentile_cont takes them."""
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
                named = (*key, i, f"{label}_{name}")
                positions.append((*named, low, 1 - fraction))
                if fraction > 0:
                    positions.append((*named, low + 1, fraction))
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
