"""A day at a One Stop Shop, made up: the arrivals and what became of them, for demo data and
the benchmark. Standard library only; the random generator is passed in, so a seed repeats.

The shape follows what the council describes: a morning ramp to a 12:00-14:00 peak, fewer
people on Fridays, a separate stream of appointments (some early, some late, some not
coming), desks thinned out by staggered lunches in the peak, and people who walk away when
the wait runs long. Whenever a desk comes free it takes the earliest due appointment, or else
the walk-in who has waited longest, as the call rule would (priorities and per-desk services
left out); whoever is still waiting at closing time is unserved at close.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..rules.lifecycle import Status
from .past_visits import PastVisit

# Relative arrival rate by local hour; the peak is 12:00-14:00.
HOURLY_RATE = {
    8: 0.3, 9: 0.6, 10: 0.9, 11: 1.1, 12: 1.6, 13: 1.5, 14: 1.0, 15: 0.8, 16: 0.6, 17: 0.3,
}  # fmt: skip
# A made-up day keeps to shop hours even where a site is open longer (the demo's sites are
# open all day so that the live demo works at any hour).
DAY_HOURS = (timedelta(hours=8), timedelta(hours=18))
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
    patience: float  # seconds a walk-in waits before giving up
    scheduled: datetime | None = None


def day(
    shape: SiteShape, on: date, hours: tuple[timedelta, timedelta], rng: random.Random
) -> list[PastVisit]:
    """The visits of one day open for `hours` (wall-clock times after local midnight, as
    calendar.parse_span gives them), kept within DAY_HOURS."""
    midnight = datetime.combine(on, time(0), shape.tz)
    start = midnight + max(hours[0], DAY_HOURS[0])
    end = midnight + min(hours[1], DAY_HOURS[1])
    if end <= start:
        return []
    volume = shape.visits_per_day * WEEKDAY_FACTOR[on.weekday()] * rng.uniform(0.85, 1.15)
    arrivals = _walk_ins(shape, start, end, volume * (1 - APPOINTMENT_SHARE), rng)
    arrivals += _appointments(shape, start, end, volume * APPOINTMENT_SHARE, rng)
    arrivals.sort(key=lambda a: a.ready)
    return _Day(shape, on, end, rng).run(arrivals)


def _walk_ins(
    shape: SiteShape, start: datetime, end: datetime, count: float, rng: random.Random
) -> list[_Arrival]:
    last = end - LAST_ARRIVAL_BEFORE_CLOSE
    top = max(HOURLY_RATE.values())
    arrivals = []
    for _ in range(round(count)):
        while True:  # rejection sampling from the hourly profile
            at = start + (last - start) * rng.random()
            if rng.random() * top <= HOURLY_RATE[at.hour]:
                break
        patience = 600 + rng.expovariate(1 / 2400)
        arrivals.append(_Arrival(at, at, _pick(shape, rng), patience))
    return arrivals


def _appointments(
    shape: SiteShape, start: datetime, end: datetime, count: float, rng: random.Random
) -> list[_Arrival]:
    slots = max(1, int((end - start) / timedelta(minutes=30)) - 1)
    arrivals = []
    for _ in range(round(count)):
        if rng.random() < APPOINTMENT_NO_SHOW:
            continue  # never checked in: no visit at all
        scheduled = start + timedelta(minutes=30 * rng.randrange(slots))
        arrived = scheduled + timedelta(minutes=rng.gauss(-6, 7))
        ready = max(arrived, scheduled)
        arrivals.append(_Arrival(arrived, ready, _pick(shape, rng), math.inf, scheduled))
    return arrivals


def _pick(shape: SiteShape, rng: random.Random) -> ServiceShape:
    return rng.choices(shape.services, weights=[s.share for s in shape.services])[0]


class _Day:
    """The desks working through one day's arrivals."""

    def __init__(self, shape: SiteShape, on: date, end: datetime, rng: random.Random) -> None:
        self.shape, self.on, self.end, self.rng = shape, on, end, rng
        self.desks = [(datetime.combine(on, time(0), shape.tz), k) for k in range(shape.desks)]
        self.visits: list[PastVisit] = []

    def run(self, arrivals: list[_Arrival]) -> list[PastVisit]:
        pending = deque(arrivals)
        walk_ins: deque[_Arrival] = deque()  # in order of arrival
        booked: list[_Arrival] = []  # checked in, called by appointment time
        while pending or walk_ins or booked:
            free_at, desk = heapq.heappop(self.desks)
            # A desk with nobody there yet waits for the next person who may be served.
            heads = [q[0] for q in (walk_ins, pending) if q]
            first = min(a.ready for a in (*heads, *booked))
            now = max(free_at, first)
            while pending and pending[0].ready <= now:
                a = pending.popleft()
                (walk_ins if a.scheduled is None else booked).append(a)
            if now >= self.end:
                self._close(walk_ins, booked, pending)
                break
            back = self._back_from_lunch(desk, now)
            if back is not None:
                heapq.heappush(self.desks, (back, desk))
                continue
            chosen = self._next_appointment(booked, now) or self._next_walk_in(walk_ins, now)
            heapq.heappush(self.desks, (self._serve(chosen, now) if chosen else now, desk))
        return self.visits

    @staticmethod
    def _next_appointment(booked: list[_Arrival], now: datetime) -> _Arrival | None:
        due = [a for a in booked if a.ready <= now]
        if not due:
            return None
        chosen = min(due, key=lambda a: a.scheduled or a.ready)
        booked.remove(chosen)
        return chosen

    def _back_from_lunch(self, desk: int, now: datetime) -> datetime | None:
        """Desks 0 and 1 take the first and second hour of 12:00-14:00 for lunch, so the
        peak has a desk fewer."""
        if desk > 1 or self.shape.desks < 3:
            return None
        away = datetime.combine(self.on, LUNCH[0], self.shape.tz) + timedelta(hours=desk)
        return away + timedelta(hours=1) if away <= now < away + timedelta(hours=1) else None

    def _next_walk_in(self, walk_ins: deque[_Arrival], now: datetime) -> _Arrival | None:
        while walk_ins and walk_ins[0].ready <= now:
            a = walk_ins.popleft()
            if (now - a.arrived).total_seconds() <= a.patience:
                return a
            self._ended(a, Status.LEFT, a.arrived + timedelta(seconds=a.patience))
        return None

    def _close(self, *queues: Iterable[_Arrival]) -> None:
        for queue in queues:
            for a in queue:
                gave_up = a.arrived + timedelta(seconds=min(a.patience, 10**6))
                if gave_up < self.end:
                    self._ended(a, Status.LEFT, gave_up)
                else:
                    self._ended(a, Status.CLOSED, self.end)

    def _greeted(self, a: _Arrival, limit: datetime) -> datetime | None:
        """Reception greets most people within a couple of minutes, and before they are
        called when the call comes quickly."""
        if self.rng.random() < NOT_GREETED or limit <= a.arrived:
            return None
        delay = self.rng.expovariate(1 / 70)
        return a.arrived + min(timedelta(seconds=delay), (limit - a.arrived) * 0.8)

    def _estimate(self, a: _Arrival, wait_s: float) -> tuple[int, int, int] | None:
        if a.scheduled is not None:
            return None
        shown = max(0, round(wait_s * self.rng.lognormvariate(0, 0.3) + self.rng.gauss(60, 120)))
        return shown, round(shown * 0.6), round(shown * 1.4 + 300)

    def _fields(self, a: _Arrival, wait_s: float, limit: datetime) -> dict[str, Any]:
        return {
            "site_id": self.shape.site_id,
            "service_id": a.service.service_id,
            "prefix": a.service.prefix,
            "kind": "walk_in" if a.scheduled is None else "appointment",
            "arrived_at": a.arrived,
            "greeted_at": self._greeted(a, limit),
            "scheduled_at": a.scheduled,
            "estimate_s": self._estimate(a, wait_s),
        }

    def _ended(self, a: _Arrival, status: str, at: datetime) -> None:
        waited = (at - a.ready).total_seconds()
        self.visits.append(PastVisit(status=status, ended_at=at, **self._fields(a, waited, at)))

    def _serve(self, a: _Arrival, now: datetime) -> datetime:
        """Serve the visit from `now` (or record how it ended otherwise); returns when the
        desk is free again."""
        if self.rng.random() < CANCELLED:
            self._ended(a, Status.CANCELLED, now)
            return now
        called = now - timedelta(seconds=self.rng.uniform(20, 90))
        called = max(called, a.arrived)
        fields = self._fields(a, (now - a.ready).total_seconds(), called)
        if a.scheduled is None and self.rng.random() < WALK_IN_NO_SHOW:
            gone = now + timedelta(minutes=3)
            self.visits.append(
                PastVisit(status=Status.NO_SHOW, called_at=called, ended_at=gone, **fields)
            )
            return gone
        minutes = self.rng.lognormvariate(math.log(a.service.mean_min) - 0.18, 0.6)
        completed = now + timedelta(minutes=minutes)
        self.visits.append(
            PastVisit(
                status=Status.DONE,
                called_at=called,
                service_started_at=now,
                completed_at=completed,
                ended_at=completed,
                **fields,
            )
        )
        return completed
