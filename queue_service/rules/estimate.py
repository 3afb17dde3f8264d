"""Waiting-time estimates: the call rule replayed forward, many times, with sampled durations.

How it works:

* A *replay* runs the site forward from now. Each desk frees up when the visit it holds ends
  (a remaining time drawn from that service's distribution, given how long the visit has
  already taken since its last start: a transfer's earlier service does not count), then
  calls whoever `next_visit.choose_next` would give it at that instant, and is busy for a
  drawn service time. Desks call only for the services they serve, and only
  within their hours: an open desk until its planned closing (the rota), a closed one from
  its next planned opening. Checked-in appointments wait for their time; booked ones that
  have not arrived yet are expected (each replay keeps each with `SHOW_RATE`) and take a desk
  when due, as they will.
* The replay is near-linear: the queue is sorted once per service, in walk-in and appointment
  order, and a desk looks only at the heads of its services' queues.
* `REPLAYS` replays (fewer for a queue longer than 100) with one fixed seed give each waiting
  visit a sample of start times; the estimate is their median and the range their 5th to
  95th percentiles (so that it covers 75-85% of actual waits: see LOW_PCT). A fixed seed
  makes the same queue give the same figures, so screens do not flicker between pushes.
* A newcomer's estimate per service (what a walk-in would be told now) needs no replay of its
  own: it would be called the first time a desk serving that service is free and has nobody
  else to call, so each replay notes that instant without letting it change the replay.

When no desk is open and none is planned to open, every desk is assumed open from now, so a
queue built before opening still gets a figure. A visit no desk serves gets no estimate.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from .next_visit import CallPolicy, Candidate, in_appointment_queue
from .service_times import ServiceTime

REPLAYS = 25
# Past this many waiting, fewer replays: a long queue's far end needs less precision than
# the screens need speed (the replays' cost grows with the queue).
REPLAY_BUDGET = 2500
MIN_REPLAYS = 9
SEED = 20250701
SHOW_RATE = 0.9
# The range the screens call "10-90%" is taken wider among the replays: 25 replays of a model
# that cannot know everything (desks leaving early, priority arrivals, late check-ins) cover
# fewer actual waits than their nominal share; `make bench-estimates` measures the coverage.
LOW_PCT, HIGH_PCT = 0.05, 0.95
NEVER = math.inf


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
class Shift:
    """A planned stretch of a desk's hours (the rota)."""

    desk_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Situation:
    """What the estimator is told about a site besides the clock and the service times."""

    desks: tuple[DeskState, ...]
    waiting: tuple[Candidate, ...]  # in order of arrival
    rota: tuple[Shift, ...] = ()
    expected: tuple[Candidate, ...] = ()

    def joined_by(self, arrival: Candidate) -> Situation:
        """The same site once a visit has arrived (the latest, so it goes last)."""
        return replace(self, waiting=(*self.waiting, arrival))


@dataclass(frozen=True)
class Estimate:
    """Predicted seconds until service starts: the median, with a 10-90% range."""

    wait_s: int
    low_s: int
    high_s: int


@dataclass(frozen=True)
class Forecast:
    """Every waiting visit's estimate (None: no desk will serve it), in predicted call order,
    and what a newcomer for each service would be told."""

    order: list[tuple[Candidate, Estimate | None]]
    newcomer: dict[int, Estimate | None]


def forecast(
    now: datetime,
    desks: Sequence[DeskState],
    waiting: Sequence[Candidate],
    times: Mapping[int, ServiceTime],
    policy: CallPolicy,
    *,
    rota: Sequence[Shift] = (),
    expected: Sequence[Candidate] = (),
    replays: int | None = None,
) -> Forecast:
    """Estimates for the waiting visits and for a newcomer to each service."""
    if replays is None:
        replays = max(MIN_REPLAYS, min(REPLAYS, REPLAY_BUDGET // max(len(waiting), 1)))
    queue = _Queue(now, [*waiting, *expected], policy)
    hours = _desk_hours(now, desks, rota)
    rng = random.Random(SEED)
    starts: list[list[float]] = [[] for _ in waiting]
    newcomer: dict[int, list[float]] = {s: [] for s in times}
    draw = rng.random
    pools = [times[c.service_id].samples_s for c in queue.candidates]
    for _ in range(replays):
        present = [True] * len(waiting) + [draw() < SHOW_RATE for _ in expected]
        durations = [pool[int(draw() * len(pool))] for pool in pools]
        free_at = [_free_at(now, d, times, rng) for d, _ in hours]
        run = queue.replay(hours, free_at, present, durations, newcomer.keys())
        for i in range(len(waiting)):
            starts[i].append(run.starts[i])
        for service_id, at in run.newcomer.items():
            newcomer[service_id].append(at)
    for samples in starts:
        samples.sort()
    estimates = [_summary(s) for s in starts]
    order = sorted(
        range(len(waiting)),
        key=lambda i: (starts[i][replays // 2], waiting[i].arrived_at, waiting[i].visit_id),
    )
    return Forecast(
        order=[(waiting[i], estimates[i]) for i in order],
        newcomer={s: _summary(samples) for s, samples in newcomer.items()},
    )


def _free_at(
    now: datetime, desk: DeskState, times: Mapping[int, ServiceTime], rng: random.Random
) -> float:
    """Seconds from now until the desk's current visit (if any) ends, drawn."""
    if desk.current_service_id is None:
        return 0.0
    started = desk.current_started_at or now
    elapsed = max((now - started).total_seconds(), 0.0)
    return times[desk.current_service_id].draw_remaining(elapsed, rng.random())


def _desk_hours(
    now: datetime, desks: Sequence[DeskState], rota: Sequence[Shift]
) -> list[tuple[DeskState, list[tuple[float, float]]]]:
    """Each desk that will call, with the stretches (seconds from now) it calls in."""
    shifts: dict[int, list[tuple[float, float]]] = {}
    for shift in rota:
        start, end = (shift.start - now).total_seconds(), (shift.end - now).total_seconds()
        if end > 0:
            shifts.setdefault(shift.desk_id, []).append((start, end))
    result = []
    for desk in desks:
        planned = sorted(shifts.get(desk.desk_id, []))
        later = [(start, end) for start, end in planned if start > 0]
        if desk.is_open:
            current = [end for start, end in planned if start <= 0]
            result.append((desk, [(0.0, current[0] if current else NEVER), *later]))
        elif later:
            result.append((desk, later))
    if not result:
        result = [(desk, [(0.0, NEVER)]) for desk in desks]
    return result


def _summary(samples: list[float]) -> Estimate | None:
    ordered = sorted(samples)
    median = ordered[len(ordered) // 2]
    if median == NEVER:
        return None
    low, high = _pick(ordered, LOW_PCT), _pick(ordered, HIGH_PCT)
    return Estimate(
        wait_s=round(median), low_s=round(low), high_s=round(min(high, _longest(ordered)))
    )


def _pick(ordered: list[float], pct: float) -> float:
    return ordered[min(len(ordered) - 1, int(pct * len(ordered)))]


def _longest(ordered: list[float]) -> float:
    finite = [s for s in ordered if s != NEVER]
    return finite[-1]


@dataclass
class _Run:
    starts: list[float]
    newcomer: dict[int, float]


class _Queue:
    """The waiting visits sorted once per service, for replays that look only at heads.

    Services become small integers and the two orders (walk-in key, appointment key) global
    ranks, so the replay loop compares integers and indexes lists."""

    def __init__(self, now: datetime, candidates: list[Candidate], policy: CallPolicy) -> None:
        self.candidates = candidates
        self.window = policy.call_window.total_seconds()
        self.walk_in_target = policy.walk_in_target.total_seconds()
        self.appointment_target = policy.appointment_target.total_seconds()
        head_start = policy.priority_head_start.total_seconds()
        self.arrived = [(c.arrived_at - now).total_seconds() for c in candidates]
        self.scheduled = [
            (c.scheduled_at - now).total_seconds() if c.scheduled_at else NEVER for c in candidates
        ]
        self.slot: dict[int, int] = {}
        walk_in_keys, appointment_keys = [], []
        for i, c in enumerate(candidates):
            self.slot.setdefault(c.service_id, len(self.slot))
            if in_appointment_queue(c, policy):
                appointment_keys.append((self.scheduled[i], self.arrived[i], c.visit_id, i))
            else:
                effective = self.arrived[i] - (head_start if c.priority else 0.0)
                walk_in_keys.append((effective, self.arrived[i], c.visit_id, i))
        # Every queue ends with a sentinel that is never taken and ranks, arrives and falls
        # due last, so the replay loop needs no bounds checks.
        self.sentinel = sentinel = len(candidates)
        self.arrived.append(NEVER)
        self.scheduled.append(NEVER)
        self.rank = [0] * len(candidates) + [len(candidates)]
        self.walk_ins: list[list[int]] = [[] for _ in self.slot]
        self.appointments: list[list[int]] = [[] for _ in self.slot]
        for rows, queues in ((walk_in_keys, self.walk_ins), (appointment_keys, self.appointments)):
            for rank, row in enumerate(sorted(rows)):
                i = row[3]
                self.rank[i] = rank
                queues[self.slot[candidates[i].service_id]].append(i)
        self.by_arrival = [
            [*sorted(queue, key=lambda i: (self.arrived[i], candidates[i].visit_id)), sentinel]
            for queue in self.walk_ins
        ]
        for queue in (*self.walk_ins, *self.appointments):
            queue.append(sentinel)

    def replay(
        self,
        hours: list[tuple[DeskState, list[tuple[float, float]]]],
        free_at: list[float],
        present: list[bool],
        durations: list[float],
        newcomer_services: Collection[int],
    ) -> _Run:
        """One replay: every candidate's start (NEVER if none) and each newcomer's."""
        taken = [not p for p in present] + [False]
        starts = [NEVER] * len(self.candidates)
        newcomer: dict[int, float] = {}
        wanted = set(newcomer_services)
        walk_ins, appointments = self.walk_ins, self.appointments
        rank, scheduled, window = self.rank, self.scheduled, self.window
        sentinel = self.sentinel
        at_walk_in = [0] * len(self.slot)
        at_appointment = [0] * len(self.slot)
        at_arrival = [0] * len(self.slot)
        slots = [[self.slot[s] for s in desk.service_ids if s in self.slot] for desk, _ in hours]
        window_index = [0] * len(hours)
        heap = [(free_at[d], d) for d in range(len(hours))]
        heapq.heapify(heap)
        while heap:
            t, d = heapq.heappop(heap)
            desk, stretches = hours[d]
            w = window_index[d]
            while w < len(stretches) and t >= stretches[w][1]:
                w += 1
            window_index[d] = w
            if w == len(stretches):
                continue
            if t < stretches[w][0]:
                # Not at work yet: wait for the shift, in turn with the other desks.
                heapq.heappush(heap, (stretches[w][0], d))
                continue
            walk_in = appointment = sentinel
            next_due = NEVER
            for s in slots[d]:
                queue, p = walk_ins[s], at_walk_in[s]
                while taken[queue[p]]:
                    p += 1
                at_walk_in[s] = p
                i = queue[p]
                if rank[i] < rank[walk_in]:
                    walk_in = i
                queue, p = appointments[s], at_appointment[s]
                while taken[queue[p]]:
                    p += 1
                at_appointment[s] = p
                i = queue[p]
                due = scheduled[i] - window
                if due > t:
                    if due < next_due:
                        next_due = due
                elif rank[i] < rank[appointment]:
                    appointment = i
            # A newcomer is the last walk-in: it gets a desk that has nobody else to call.
            if (
                walk_in == sentinel
                and not wanted.isdisjoint(desk.service_ids)
                and (appointment == sentinel or self._walk_in_first(t, 0.0, appointment))
            ):
                for s in wanted & desk.service_ids:
                    newcomer[s] = t
                wanted -= desk.service_ids
            chosen = walk_in
            if appointment != sentinel and (
                walk_in == sentinel
                or not self._walk_in_first(
                    t, self._oldest(slots[d], at_arrival, taken), appointment
                )
            ):
                chosen = appointment
            if chosen != sentinel:
                taken[chosen] = True
                starts[chosen] = t
                heapq.heappush(heap, (t + durations[chosen], d))
            elif next_due != NEVER:
                heapq.heappush(heap, (next_due, d))
        for s in wanted:
            newcomer[s] = NEVER
        return _Run(starts=starts, newcomer=newcomer)

    def _oldest(self, slots: list[int], at_arrival: list[int], taken: list[bool]) -> float:
        """The earliest arrival among the walk-ins waiting for these services (the breach
        check of rule 6 needs it only when an appointment is due)."""
        oldest = NEVER
        for s in slots:
            queue, p = self.by_arrival[s], at_arrival[s]
            while taken[queue[p]]:
                p += 1
            at_arrival[s] = p
            oldest = min(oldest, self.arrived[queue[p]])
        return oldest

    def _walk_in_first(self, t: float, oldest: float, appointment: int) -> bool:
        """Rule 6 of next_visit: the head walk-in goes before a due appointment only when
        the walk-ins are in breach and the appointment is not."""
        walk_ins_in_breach = t - oldest > self.walk_in_target
        appointment_in_breach = t - self.scheduled[appointment] >= self.appointment_target
        return walk_ins_in_breach and not appointment_in_breach
