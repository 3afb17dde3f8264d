"""How good are the waiting estimates? `make bench-estimates`.

Seeded scenarios (scripts/scenarios.py) run through the day simulator, i.e. the real service
layer and call rule on a virtual clock. For every visit that was served, the estimate the kiosk
showed at arrival is compared with the actual wait (start of service minus arrival), beside
three baselines worked out from the state of the site at that arrival:

* naive: place in the site's queue * the site's mean service time / open desks (one queue)
* LES: the wait of the last visit of that service to enter service
* QL (Ibrahim & Whitt): (k + 1) / (s·μ), k waiting ahead for the service, s desks serving it

All three say 0 when a desk serving the visit is free and nobody is ahead. On the M/M/c day the
floor is the best any estimator can do: an arrival that finds all s desks busy and k waiting
waits Erlang(k + 1, s·μ), whose median is the best point estimate; one that finds a desk free
waits nothing.

BENCH_DAYS (default 3) sets how many days of each scenario are run (in two processes).
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import machine
from scenarios import MMC_DESKS, MMC_MEAN_S, council_day, mmc_day

from queue_service.simulation import runner, scenario

FIRST_DAY = date(2025, 7, 1)
WITHIN_S = 300


@dataclass(frozen=True)
class Case:
    """One served visit: what it was told, what happened, what the baselines would say."""

    actual_s: float
    ours: tuple[float, float, float] | None
    naive: float
    les: float
    ql: float
    floor: float | None


def simulate_day(kind: str, index: int) -> list[Case]:
    make = mmc_day if kind == "mmc" else council_day
    document = make(1000 * index + (1 if kind == "mmc" else 2), FIRST_DAY + timedelta(days=index))
    day = scenario.parse(document)
    rows = runner.simulate(day, seed=index)
    return cases(day, rows, kind == "mmc")


def cases(day: scenario.Scenario, rows: list[runner.Row], with_floor: bool) -> list[Case]:
    """The served visits of a simulated day with every estimator's figure."""
    means = {
        code: statistics.fmean(
            (p.completed_at - p.service_started_at).total_seconds()
            for p in day.history
            if p.service == code
        )
        for code in {p.service for p in day.history}
    }
    site_mean = statistics.fmean(
        (p.completed_at - p.service_started_at).total_seconds() for p in day.history
    )
    serving = {d.name: set(d.services) for d in day.desks}
    open_at = _desk_hours(day)
    served = [r for r in rows if r.arrived_at and r.service_started_at]
    result = []
    for row in served:
        assert row.arrived_at is not None and row.service_started_at is not None
        t = row.arrived_at
        desks = [d for d, spans in open_at.items() if row.service in serving[d] and _in(t, spans)]
        s = max(len(desks), 1)
        arrived = [r for r in rows if r.arrived_at and r is not row]
        same = [r for r in arrived if r.service == row.service]
        ahead = sum(1 for r in same if _waiting_at(r, t, before=row))
        ahead_at_site = sum(1 for r in arrived if _waiting_at(r, t, before=row))
        open_desks = max(sum(1 for spans in open_at.values() if _in(t, spans)), 1)
        taken = {
            r.desk
            for r in rows
            if r is not row and r.called_at and r.called_at <= t and _ends_after(r, t)
        }
        busy = len(taken)
        free = any(d not in taken for d in desks)
        mean = means.get(row.service, 600.0)
        at_once = free and ahead == 0
        les = _last_to_start(same, t)
        result.append(
            Case(
                actual_s=(row.service_started_at - t).total_seconds(),
                ours=_ours(row),
                naive=0.0 if at_once else (ahead_at_site + 1) * site_mean / open_desks,
                les=0.0 if at_once else les,
                ql=0.0 if at_once else (ahead + 1) * mean / s,
                floor=(
                    0.0 if busy < MMC_DESKS else erlang_median(ahead + 1, MMC_DESKS / MMC_MEAN_S)
                )
                if with_floor
                else None,
            )
        )
    return result


def _ours(row: runner.Row) -> tuple[float, float, float] | None:
    wait, low, high = row.estimate
    if wait is None:
        return None
    return float(wait), float(low or 0), float(high or 0)


def _desk_hours(day: scenario.Scenario) -> dict[str, list[tuple[datetime, datetime]]]:
    spans: dict[str, list[tuple[datetime, datetime]]] = {d.name: [] for d in day.desks}
    opened: dict[str, datetime] = {}
    for event in day.events:
        if event.type == "desk_open" and event.desk:
            opened[event.desk] = event.at
        elif event.type == "desk_close" and event.desk in opened:
            spans[event.desk].append((opened.pop(event.desk), event.at))
    return spans


def _in(t: datetime, spans: list[tuple[datetime, datetime]]) -> bool:
    return any(a <= t < b for a, b in spans)


def _waiting_at(r: runner.Row, t: datetime, before: runner.Row) -> bool:
    assert r.arrived_at is not None and before.arrived_at is not None
    started = r.service_started_at
    return r.arrived_at <= t and (started is None or started > t) and r.id != before.id


def _ends_after(r: runner.Row, t: datetime) -> bool:
    return r.completed_at is None or r.completed_at > t


def _last_to_start(same: list[runner.Row], t: datetime) -> float:
    started = [r for r in same if r.service_started_at and r.service_started_at <= t]
    if not started:
        return 0.0
    last = max(started, key=lambda r: r.service_started_at or t)
    assert last.service_started_at is not None and last.arrived_at is not None
    return (last.service_started_at - last.arrived_at).total_seconds()


def erlang_median(k: int, rate: float) -> float:
    """The median of Erlang(k, rate), by bisection on its distribution function."""

    def cdf(x: float) -> float:
        term, total = 1.0, 1.0
        for i in range(1, k):
            term *= rate * x / i
            total += term
        return 1.0 - math.exp(-rate * x) * total

    low, high = 0.0, 10 * k / rate
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if cdf(mid) < 0.5 else (low, mid)
    return (low + high) / 2


def score(cases: Sequence[Case], pick: Callable[[Case], float | None]) -> list[str]:
    pairs = [(pick(c), c.actual_s) for c in cases]
    errors = [p - a for p, a in pairs if p is not None]
    if not errors:
        return ["—"] * 4
    mae = statistics.fmean(abs(e) for e in errors)
    within = 100 * sum(abs(e) <= WITHIN_S for e in errors) / len(errors)
    return [f"{mae / 60:.2f}", f"{statistics.fmean(errors) / 60:+.2f}", f"{within:.0f}%", ""]


def coverage(cases: Sequence[Case]) -> str:
    waited = [c for c in cases if c.actual_s > 0 and c.ours is not None]
    inside = sum(1 for c in waited if c.ours and c.ours[1] <= c.actual_s <= c.ours[2])
    return f"{100 * inside / len(waited):.0f}% of {len(waited)}" if waited else "—"


def report(title: str, cases: list[Case], with_floor: bool) -> dict[str, float]:
    print(f"\n{title}: {len(cases)} served visits")
    rows: list[list[str]] = []
    maes: dict[str, float] = {}
    pickers: list[tuple[str, Callable[[Case], float | None]]] = [
        ("ours (median)", lambda c: c.ours[0] if c.ours else None),
        ("naive", lambda c: c.naive),
        ("LES", lambda c: c.les),
        ("QL", lambda c: c.ql),
    ]
    if with_floor:
        pickers.append(("floor (Erlang median)", lambda c: c.floor))
    for name, pick in pickers:
        row = score(cases, pick)
        if name.startswith("ours"):
            row[3] = coverage(cases)
        rows.append([name, *row])
        maes[name] = float(row[0]) if row[0] != "—" else math.inf
    header = ["estimator", "MAE min", "bias min", "within ±5 min", "10-90% coverage"]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    return maes


def main() -> int:
    days = int(os.environ.get("BENCH_DAYS", "3"))
    print(f"OneStop Queue estimate bench — {machine()}; {days} days per scenario")
    started = time.perf_counter()
    jobs = [("mmc", i) for i in range(days)] + [("council", i) for i in range(days)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(simulate_day, *zip(*jobs, strict=True)))
    mmc = [c for (kind, _), r in zip(jobs, results, strict=True) if kind == "mmc" for c in r]
    council = [c for (kind, _), r in zip(jobs, results, strict=True) if kind != "mmc" for c in r]
    a = report("(a) M/M/c, s = 4, load 0.85", mmc, with_floor=True)
    b = report("(b) council day", council, with_floor=False)
    best_a = min(a["naive"], a["LES"], a["QL"])
    best_b = min(b["naive"], b["LES"], b["QL"])
    print(
        f"\n(a) ours / floor = {a['ours (median)'] / a['floor (Erlang median)']:.3f}"
        f"  (ours / best baseline {a['ours (median)'] / best_a:.2f})"
    )
    print(f"(b) ours / best baseline = {b['ours (median)'] / best_b:.2f}  (aim ≤ 0.55)")
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
