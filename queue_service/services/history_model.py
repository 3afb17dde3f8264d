"""A day at a One Stop Shop, made up: the arrivals and what became of them, for demo data and
the benchmark. Standard library only; the random generator is passed in, so a seed repeats.

The shape follows what the council describes: a morning ramp to a 12:00-14:00 peak, fewer
people on Fridays, a separate stream of appointments (some early, some late, some not
coming), desks thinned out by staggered lunches in the peak, and people who walk away when
the wait runs long. One queue, served first come first served by the open desks: appointments
join it at their time, or on arrival when late.
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..rules.lifecycle import Status
from .past_visits import PastVisit

# Relative arrival rate by local hour; the peak is 12:00-14:00.
HOURLY_RATE = {9: 0.6, 10: 0.9, 11: 1.1, 12: 1.6, 13: 1.5, 14: 1.0, 15: 0.8, 16: 0.6}
WEEKDAY_FACTOR = (1.15, 1.0, 1.0, 1.0, 0.75, 0.5, 0.0)  # Monday busiest, Friday quieter
APPOINTMENT_SHARE = 0.12
APPOINTMENT_NO_SHOW = 0.08
WALK_IN_NO_SHOW = 0.03
CANCELLED = 0.01
NOT_GREETED = 0.04
LAST_ARRIVAL_BEFORE_CLOSE = timedelta(minutes=15)
LUNCH = (time(12, 0), time(14, 0))


@dataclass(frozen=True)
class ServiceShape:
    service_id: int
    prefix: str
    mean_min: float
    share: float


@dataclass(frozen=True)
class SiteShape:
    site_id: int
    tz: ZoneInfo
    desks: int
    services: tuple[ServiceShape, ...]
    visits_per_day: float


@dataclass
class _Arrival:
    arrived: datetime
    ready: datetime  # when it may be served: arrival, or an early appointment's time
    service: ServiceShape
    scheduled: datetime | None = None


def day(
    shape: SiteShape, on: date, hours: tuple[time, time], rng: random.Random
) -> list[PastVisit]:
    """The visits of one day open for `hours`, served in turn by the desks staffed."""
    start = datetime.combine(on, hours[0], shape.tz)
    end = datetime.combine(on, hours[1], shape.tz)
    volume = shape.visits_per_day * WEEKDAY_FACTOR[on.weekday()] * rng.uniform(0.85, 1.15)
    arrivals = _walk_ins(shape, start, end, volume * (1 - APPOINTMENT_SHARE), rng)
    arrivals += _appointments(shape, start, end, volume * APPOINTMENT_SHARE, rng)
    arrivals.sort(key=lambda a: (a.ready, a.arrived))
    desks = _desks(shape, on)
    return [_serve(shape, a, desks, end, rng) for a in arrivals]


def _walk_ins(
    shape: SiteShape, start: datetime, end: datetime, count: float, rng: random.Random
) -> list[_Arrival]:
    last = end - LAST_ARRIVAL_BEFORE_CLOSE
    top = max(HOURLY_RATE.values())
    arrivals = []
    for _ in range(round(count)):
        while True:  # rejection sampling from the hourly profile
            at = start + (last - start) * rng.random()
            if rng.random() * top <= HOURLY_RATE.get(at.hour, 0.5):
                break
        arrivals.append(_Arrival(at, at, _pick(shape, rng)))
    return arrivals


def _appointments(
    shape: SiteShape, start: datetime, end: datetime, count: float, rng: random.Random
) -> list[_Arrival]:
    slots = int((end - start) / timedelta(minutes=30)) - 1
    arrivals = []
    for _ in range(round(count)):
        if rng.random() < APPOINTMENT_NO_SHOW:
            continue  # never checked in: no visit at all
        scheduled = start + timedelta(minutes=30 * rng.randrange(max(slots, 1)))
        arrived = scheduled + timedelta(minutes=rng.gauss(-6, 7))
        arrivals.append(_Arrival(arrived, max(arrived, scheduled), _pick(shape, rng), scheduled))
    return arrivals


def _pick(shape: SiteShape, rng: random.Random) -> ServiceShape:
    return rng.choices(shape.services, weights=[s.share for s in shape.services])[0]


def _desks(shape: SiteShape, on: date) -> list[tuple[datetime, int]]:
    """When each desk is next free. Lunches are staggered across the peak: desk k (of the
    first two) is away for the k-th hour of 12:00-14:00, so the peak has a desk fewer."""
    free = [(datetime.combine(on, time(0), shape.tz), k) for k in range(shape.desks)]
    heapq.heapify(free)
    return free


def _lunch(desk: int, on: date, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    if desk > 1:
        return None
    begins = datetime.combine(on, LUNCH[0], tz) + timedelta(hours=desk)
    return begins, begins + timedelta(hours=1)


def _serve(
    shape: SiteShape, a: _Arrival, desks: list[tuple[datetime, int]], end: datetime,
    rng: random.Random,
) -> PastVisit:  # fmt: skip
    free_at, desk = heapq.heappop(desks)
    start = max(free_at, a.ready)
    lunch = _lunch(desk, a.arrived.date(), shape.tz)
    if lunch and lunch[0] <= start < lunch[1]:
        start = lunch[1]
    waited = (start - a.ready).total_seconds()
    queue_estimate = max(0.0, (free_at - a.arrived).total_seconds())
    low, high = int(queue_estimate * 0.6), int(queue_estimate * 1.4 + 300)
    estimate = (int(queue_estimate), low, high) if a.scheduled is None else None
    greeted = None
    if rng.random() > NOT_GREETED:
        greeted = a.arrived + timedelta(seconds=rng.expovariate(1 / (60 + waited / 20)))
    visit: dict[str, Any] = {
        "site_id": shape.site_id,
        "service_id": a.service.service_id,
        "prefix": a.service.prefix,
        "kind": "walk_in" if a.scheduled is None else "appointment",
        "arrived_at": a.arrived,
        "greeted_at": greeted,
        "scheduled_at": a.scheduled,
        "estimate_s": estimate,
    }
    patience = 600 + rng.expovariate(1 / 1800)
    if a.scheduled is None and waited > patience:
        heapq.heappush(desks, (free_at, desk))
        gone = a.arrived + timedelta(seconds=patience)
        return PastVisit(status=Status.LEFT, ended_at=gone, greeted_at=_before(greeted, gone),
                         **_without(visit, "greeted_at"))  # fmt: skip
    if start >= end:
        heapq.heappush(desks, (free_at, desk))
        return PastVisit(status="closed", ended_at=end, **visit)
    if rng.random() < CANCELLED:
        heapq.heappush(desks, (free_at, desk))
        return PastVisit(status=Status.CANCELLED, ended_at=start, **visit)
    called = start - timedelta(seconds=rng.uniform(20, 90))
    called = max(called, a.arrived)
    if a.scheduled is None and rng.random() < WALK_IN_NO_SHOW:
        gone = called + timedelta(minutes=3)
        heapq.heappush(desks, (gone, desk))
        return PastVisit(status=Status.NO_SHOW, called_at=called, ended_at=gone, **visit)
    minutes = rng.lognormvariate(math.log(a.service.mean_min) - 0.18, 0.6)
    completed = start + timedelta(minutes=minutes)
    heapq.heappush(desks, (completed, desk))
    return PastVisit(
        status=Status.DONE,
        called_at=called,
        service_started_at=start,
        completed_at=completed,
        ended_at=completed,
        **visit,
    )


def _before(moment: datetime | None, limit: datetime) -> datetime | None:
    return moment if moment is not None and moment <= limit else None


def _without(values: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != key}
