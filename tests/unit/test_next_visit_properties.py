"""The call rule (rules/next_visit.py) over random days, with hypothesis.

A day is a random sequence of walk-ins (ordinary or priority), appointment check-ins (early, on
time or late), desk calls, completions and time passing, at one to three desks that serve
random subsets of two services; at its end every desk keeps calling, and time moves to the next
due appointment, until nothing callable is left. Every call goes through `choose_next`. Checked:

* Nothing lost, nothing served twice: each visit is called at most once, by a desk that serves
  its service, and after the day every visit has been called unless no desk serves its service.
  A desk that finds nobody had nobody it could call.
* Order within a class: ordinary tickets of one service are called in arrival order, priority
  tickets of one service likewise, and of two appointments of one service both due and waiting
  the one booked earlier goes first. No appointment is called before its call window opens.
* The starvation bounds, exactly (CallPolicy's defaults: 10-minute priority head start,
  15-minute walk-in target, 5-minute appointment target):
  - an ordinary ticket is overtaken by a priority ticket only if that one arrived less than
    the head start (10 min) after it;
  - a walk-in past its target (15 min) waits for an appointment only when that appointment is
    itself at least the appointment target (5 min) past its time;
  - an appointment at least 5 min past its time is never passed over for a walk-in, nor for
    an appointment booked after it.
  So, calls by the desks that serve it, an ordinary walk-in waits behind at most the tickets
  that arrived before it, the priority tickets of its first 10 minutes, and (once past 15
  minutes) only appointments that are 5 minutes late; an appointment 5 minutes late waits
  behind appointments booked before it only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count

from hypothesis import given, settings
from hypothesis import strategies as st

from queue_service.rules.next_visit import (
    CallPolicy,
    Candidate,
    choose_next,
    next_due_after,
)

POLICY = CallPolicy()
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
SERVICES = (1, 2)

Step = tuple[str, int, int]

# A step is (what, a, b). Arrivals outnumber calls, so that queues build up and the bounds
# are put to the test within a modest number of examples.
KINDS = ["walk_in"] * 3 + ["appointment"] * 2 + ["call"] * 2 + ["complete", "wait", "wait"]
steps = st.tuples(st.sampled_from(KINDS), st.integers(0, 59), st.integers(0, 1))
days = st.lists(steps, min_size=10, max_size=60)
desk_sets = st.lists(
    st.sampled_from([frozenset({1}), frozenset({2}), frozenset(SERVICES)]), min_size=1, max_size=3
)


@dataclass(frozen=True)
class Call:
    """One desk's call: when, which desk serves what, whom it chose, and who was waiting."""

    at: datetime
    serves: frozenset[int]
    chosen: Candidate | None
    waiting: tuple[Candidate, ...]

    def eligible(self) -> list[Candidate]:
        return [c for c in self.waiting if c.service_id in self.serves]


@dataclass
class Day:
    desks: Sequence[frozenset[int]]
    now: datetime = T0
    visits: list[Candidate] = field(default_factory=list)
    waiting: dict[int, Candidate] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    busy: dict[int, int] = field(default_factory=dict)
    ids: count[int] = field(default_factory=lambda: count(1))

    def play(self, day: Sequence[Step]) -> None:
        for kind, a, b in day:
            if kind == "walk_in":
                self.arrive(Candidate(next(self.ids), SERVICES[b], self.now, priority=a % 3 == 0))
            elif kind == "appointment":
                # Booked from 25 minutes before the check-in (past the grace) to 34 after.
                booked = self.now + timedelta(minutes=a - 25)
                self.arrive(Candidate(next(self.ids), SERVICES[b], self.now, scheduled_at=booked))
            elif kind == "wait":
                self.now += timedelta(minutes=1 + a % 12)
            elif (desk := a % 3) < len(self.desks):
                if kind == "complete":
                    self.busy.pop(desk, None)
                elif desk not in self.busy:
                    self.call(desk)
        self.drain()

    def arrive(self, visit: Candidate) -> None:
        self.visits.append(visit)
        self.waiting[visit.visit_id] = visit

    def call(self, desk: int) -> Candidate | None:
        serves = self.desks[desk]
        chosen = choose_next(self.now, serves, self.waiting.values(), POLICY)
        self.calls.append(Call(self.now, serves, chosen, tuple(self.waiting.values())))
        if chosen is not None:
            del self.waiting[chosen.visit_id]
            self.busy[desk] = chosen.visit_id
        return chosen

    def drain(self) -> None:
        """Every desk serves to the end: call, complete, and wait for the next due time."""
        self.busy.clear()
        while self.waiting:
            called = [self.call(desk) for desk in range(len(self.desks))]
            self.busy.clear()
            if any(called):
                self.now += timedelta(minutes=3)
                continue
            later = [
                t
                for serves in self.desks
                if (t := next_due_after(self.now, serves, self.waiting.values(), POLICY))
            ]
            if not later:
                return
            self.now = min(later)


# The classes and due times as DESIGN §5 words them, not as the rule's own helpers compute them.
def walk_in_queue(c: Candidate) -> bool:
    """A walk-in, or an appointment checked in more than the grace period after its time."""
    return c.scheduled_at is None or c.arrived_at > c.scheduled_at + POLICY.grace


def due_at(c: Candidate) -> datetime:
    if walk_in_queue(c):
        return c.arrived_at
    assert c.scheduled_at is not None
    return c.scheduled_at - POLICY.call_window


def played(desks: Sequence[frozenset[int]], day: Sequence[Step]) -> Day:
    played_day = Day(desks)
    played_day.play(day)
    return played_day


@settings(max_examples=150, deadline=None)
@given(desk_sets, days)
def test_no_visit_is_lost_or_called_twice(desks: list[frozenset[int]], day: list[Step]) -> None:
    result = played(desks, day)
    called = [call.chosen.visit_id for call in result.calls if call.chosen]
    assert len(called) == len(set(called))
    served = frozenset().union(*desks)
    for visit in result.visits:
        assert (visit.visit_id in called) == (visit.service_id in served)
    for call in result.calls:
        if call.chosen is None:
            assert all(due_at(c) > call.at for c in call.eligible())
        else:
            assert call.chosen in call.waiting and call.chosen.service_id in call.serves


@settings(max_examples=150, deadline=None)
@given(desk_sets, days)
def test_order_is_kept_within_each_class(desks: list[frozenset[int]], day: list[Step]) -> None:
    result = played(desks, day)
    chosen = [call.chosen for call in result.calls if call.chosen]
    for service in SERVICES:
        for priority in (False, True):
            queue = [
                c
                for c in chosen
                if walk_in_queue(c) and c.service_id == service and c.priority == priority
            ]
            assert [c.arrived_at for c in queue] == sorted(c.arrived_at for c in queue)
    for call in result.calls:
        first = call.chosen
        if first is None or walk_in_queue(first):
            continue
        assert first.scheduled_at is not None
        assert call.at >= first.scheduled_at - POLICY.call_window
        for other in call.eligible():
            if other.service_id == first.service_id and not walk_in_queue(other):
                assert other.scheduled_at is not None
                if due_at(other) <= call.at:
                    assert first.scheduled_at <= other.scheduled_at


@settings(max_examples=150, deadline=None)
@given(desk_sets, days)
def test_neither_queue_starves_within_the_stated_bounds(
    desks: list[frozenset[int]], day: list[Step]
) -> None:
    result = played(desks, day)
    for call in result.calls:
        chosen = call.chosen
        if chosen is None:
            continue
        walk_ins = [c for c in call.eligible() if walk_in_queue(c)]
        due = [c for c in call.eligible() if not walk_in_queue(c) and due_at(c) <= call.at]
        if walk_in_queue(chosen) and chosen.priority:
            for ordinary in walk_ins:
                if not ordinary.priority:
                    overtaken_by = chosen.arrived_at - ordinary.arrived_at
                    assert overtaken_by < POLICY.priority_head_start or (
                        overtaken_by == POLICY.priority_head_start
                        and chosen.visit_id < ordinary.visit_id
                    )
        if not walk_in_queue(chosen):
            assert chosen.scheduled_at is not None
            if any(call.at - c.arrived_at > POLICY.walk_in_target for c in walk_ins):
                assert call.at - chosen.scheduled_at >= POLICY.appointment_target
        for late in due:
            assert late.scheduled_at is not None
            if call.at - late.scheduled_at >= POLICY.appointment_target:
                assert not walk_in_queue(chosen)
                assert chosen.scheduled_at is not None
                assert chosen.scheduled_at <= late.scheduled_at
