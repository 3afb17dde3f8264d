"""Who is called next: the one rule every desk, estimate and simulation uses (DESIGN §5).

The rule, exactly:

1. Only visits for services the calling desk serves are candidates.
2. An appointment belongs to the **appointment queue** unless it checked in more than
   `grace` after its scheduled time; a late one joins the **walk-in queue** at its arrival
   time, as an ordinary walk-in would.
3. An appointment in the appointment queue is **due** once `now >= scheduled_at - call_window`.
   One checked in early is not callable before then, even by an idle desk.
4. Due appointments are ordered by scheduled time (then arrival, then id).
5. Walk-ins are ordered by an *effective arrival*: `arrived_at - priority_head_start` for a
   priority ticket, `arrived_at` otherwise (then arrival, then id). A priority ticket thus goes
   ahead of ordinary ones that arrived up to `priority_head_start` before it, and no further:
   an ordinary ticket can be held back by priority tickets for at most that long (aging).
6. Between the queues, a due appointment goes first, except when the walk-in queue is in
   breach and the appointment is not: if some waiting walk-in has waited longer than
   `walk_in_target` while the head appointment is less than `appointment_target` past its
   time, the head walk-in goes first. When both are in breach the appointment goes first,
   since its time was promised. So due appointments cannot starve walk-ins past their target,
   and walk-ins in breach can delay an appointment by at most `appointment_target`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class CallPolicy:
    """The tunable constants of the rule; a site's settings fill them in."""

    call_window: timedelta = timedelta(minutes=2)
    grace: timedelta = timedelta(minutes=10)
    priority_head_start: timedelta = timedelta(minutes=10)
    walk_in_target: timedelta = timedelta(minutes=15)
    appointment_target: timedelta = timedelta(minutes=5)


@dataclass(frozen=True)
class Candidate:
    """A waiting visit as the rule sees it."""

    visit_id: int
    service_id: int
    arrived_at: datetime
    priority: bool = False
    scheduled_at: datetime | None = None


def in_appointment_queue(candidate: Candidate, policy: CallPolicy) -> bool:
    """True for an appointment that checked in no later than its grace period allows."""
    return (
        candidate.scheduled_at is not None
        and candidate.arrived_at <= candidate.scheduled_at + policy.grace
    )


def due_at(candidate: Candidate, policy: CallPolicy) -> datetime:
    """The first instant the visit may be called."""
    if in_appointment_queue(candidate, policy):
        assert candidate.scheduled_at is not None
        return candidate.scheduled_at - policy.call_window
    return candidate.arrived_at


def _walk_in_key(c: Candidate, policy: CallPolicy) -> tuple[datetime, datetime, int]:
    effective = c.arrived_at - policy.priority_head_start if c.priority else c.arrived_at
    return (effective, c.arrived_at, c.visit_id)


def _appointment_key(c: Candidate) -> tuple[datetime, datetime, int]:
    assert c.scheduled_at is not None
    return (c.scheduled_at, c.arrived_at, c.visit_id)


def choose_next(
    now: datetime,
    desk_service_ids: Collection[int],
    candidates: Iterable[Candidate],
    policy: CallPolicy,
) -> Candidate | None:
    """The visit a desk serving `desk_service_ids` should call at `now`, or None."""
    appointments: list[Candidate] = []
    walk_ins: list[Candidate] = []
    for c in candidates:
        if c.service_id not in desk_service_ids:
            continue
        if in_appointment_queue(c, policy):
            if due_at(c, policy) <= now:
                appointments.append(c)
        else:
            walk_ins.append(c)

    head_walk_in = min(walk_ins, key=lambda c: _walk_in_key(c, policy), default=None)
    head_appointment = min(appointments, key=_appointment_key, default=None)
    if head_appointment is None:
        return head_walk_in
    if head_walk_in is None:
        return head_appointment

    assert head_appointment.scheduled_at is not None
    longest_walk_in_wait = now - min(c.arrived_at for c in walk_ins)
    walk_ins_in_breach = longest_walk_in_wait > policy.walk_in_target
    appointment_in_breach = now - head_appointment.scheduled_at >= policy.appointment_target
    if walk_ins_in_breach and not appointment_in_breach:
        return head_walk_in
    return head_appointment


def next_due_after(
    now: datetime,
    desk_service_ids: Collection[int],
    candidates: Iterable[Candidate],
    policy: CallPolicy,
) -> datetime | None:
    """When the earliest not-yet-due candidate for the desk becomes callable, if any."""
    later = [
        due_at(c, policy)
        for c in candidates
        if c.service_id in desk_service_ids and due_at(c, policy) > now
    ]
    return min(later, default=None)
