"""Waiting-time estimates, first version: replay the call rule over the open desks.

How it works:

* Each desk that can call becomes free at some instant: now, or when the visit it is serving
  is expected to finish (its service's mean time after the start, and never less than a
  minute from now, since an overrunning visit is still running).
* Repeatedly, the desk that frees up first calls whoever `choose_next` would give it at that
  instant; that visit's predicted start is the instant, and the desk is then busy for the
  service's mean time. A desk with nobody callable yet waits for the next appointment to
  come due. This is the real call rule, so appointments, priority and aging are honoured.
* Service times per service come from the served spans of recent completed visits (each start
  to its complete or transfer, under the service of that span: `service_spans`), through
  `service_time_stats`, or the service's configured default when there are too few. A desk's
  current visit is timed from its last start, so a transfer's earlier service and wait do
  not count.
* The range: each predicted start is a sum of service times, so its spread grows with the
  square root of the visits before it on that desk. low/high are the mean ∓ 1.28 standard
  deviations (an 80% band if service times were normal), low never below zero.

Only open desks count; when no desk at the site is open (before opening, say) every desk is
assumed open from now, so a queue built before opening still gets a figure. A visit for a
service that no counted desk serves gets no estimate: the screens say so rather than guess.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .next_visit import CallPolicy, Candidate, choose_next, next_due_after

Z_80 = 1.28
MIN_SAMPLES = 5
MIN_REMAINING = timedelta(minutes=1)


@dataclass(frozen=True)
class ServiceTime:
    """Expected service duration of one service, in seconds."""

    mean_s: float
    stdev_s: float


@dataclass(frozen=True)
class DeskState:
    """A desk as the estimator sees it."""

    desk_id: int
    service_ids: frozenset[int]
    is_open: bool
    # The visit at the desk now, if any: its service and when it started (None: only called).
    current_service_id: int | None = None
    current_started_at: datetime | None = None


@dataclass(frozen=True)
class Estimate:
    """Predicted seconds until service starts, with an 80% range."""

    wait_s: int
    low_s: int
    high_s: int


@dataclass
class _SimDesk:
    service_ids: frozenset[int]
    free_at: datetime
    variance: float = 0.0
    retired: bool = field(default=False)


def service_time_stats(durations_s: Sequence[float], default_s: float) -> ServiceTime:
    """Mean and spread of recent service durations, or the configured default if too few."""
    if len(durations_s) < MIN_SAMPLES:
        return ServiceTime(mean_s=default_s, stdev_s=default_s / 2)
    return ServiceTime(mean_s=statistics.fmean(durations_s), stdev_s=statistics.stdev(durations_s))


def _initial_desks(
    now: datetime, desks: Sequence[DeskState], times: Mapping[int, ServiceTime]
) -> list[_SimDesk]:
    counted = [d for d in desks if d.is_open] or list(desks)
    result = []
    for desk in counted:
        sim = _SimDesk(service_ids=desk.service_ids, free_at=now)
        if desk.current_service_id is not None:
            current = times[desk.current_service_id]
            started = desk.current_started_at or now
            sim.free_at = max(started + timedelta(seconds=current.mean_s), now + MIN_REMAINING)
            sim.variance = current.stdev_s**2
        result.append(sim)
    return result


def plan(
    now: datetime,
    desks: Sequence[DeskState],
    candidates: Sequence[Candidate],
    times: Mapping[int, ServiceTime],
    policy: CallPolicy,
) -> list[tuple[Candidate, Estimate | None]]:
    """Every candidate in predicted call order, with its estimate (None when unknowable)."""
    sim = _initial_desks(now, desks, times)
    remaining = list(candidates)
    ordered: list[tuple[Candidate, Estimate | None]] = []
    while remaining:
        active = [d for d in sim if not d.retired]
        if not active:
            break
        desk = min(active, key=lambda d: d.free_at)
        chosen = choose_next(desk.free_at, desk.service_ids, remaining, policy)
        if chosen is None:
            due = next_due_after(desk.free_at, desk.service_ids, remaining, policy)
            if due is None:
                desk.retired = True
            else:
                desk.free_at = due
            continue
        remaining.remove(chosen)
        wait = max((desk.free_at - now).total_seconds(), 0.0)
        spread = Z_80 * math.sqrt(desk.variance)
        ordered.append(
            (
                chosen,
                Estimate(
                    wait_s=round(wait),
                    low_s=round(max(wait - spread, 0.0)),
                    high_s=round(wait + spread),
                ),
            )
        )
        service_time = times[chosen.service_id]
        desk.free_at += timedelta(seconds=service_time.mean_s)
        desk.variance += service_time.stdev_s**2
    unplanned = sorted(remaining, key=lambda c: (c.arrived_at, c.visit_id))
    return ordered + [(c, None) for c in unplanned]
