"""The call rule (DESIGN §5), as a pure function."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from queue_service.rules.next_visit import CallPolicy, Candidate, choose_next

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
POLICY = CallPolicy()
CT, HOU = 1, 2


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def walk_in(vid: int, arrived: float, service: int = CT, priority: bool = False) -> Candidate:
    return Candidate(vid, service, minutes(arrived), priority=priority)


def appointment(vid: int, arrived: float, scheduled: float, service: int = CT) -> Candidate:
    return Candidate(vid, service, minutes(arrived), scheduled_at=minutes(scheduled))


def test_due_appointment_goes_before_earlier_walk_in() -> None:
    chosen = choose_next(minutes(30), {CT}, [walk_in(1, 20), appointment(2, 25, 30)], POLICY)
    assert chosen is not None and chosen.visit_id == 2


def test_appointment_becomes_due_within_the_call_window() -> None:
    candidates = [walk_in(1, 20), appointment(2, 20, 31)]
    assert choose_next(minutes(29.5), {CT}, candidates, POLICY).visit_id == 2  # type: ignore[union-attr]


def test_early_appointment_waits_for_its_time() -> None:
    candidates = [walk_in(1, 20), appointment(2, 10, 60)]
    assert choose_next(minutes(30), {CT}, candidates, POLICY).visit_id == 1  # type: ignore[union-attr]
    assert choose_next(minutes(30), {CT}, [appointment(2, 10, 60)], POLICY) is None


def test_late_appointment_joins_walk_ins_at_its_arrival_time() -> None:
    late = appointment(2, 45, 30)  # arrived 15 minutes after its time: past the 10-minute grace
    candidates = [walk_in(1, 40), late, walk_in(3, 50)]
    order = []
    while candidates:
        chosen = choose_next(minutes(60), {CT}, candidates, POLICY)
        assert chosen is not None
        order.append(chosen.visit_id)
        candidates.remove(chosen)
    assert order == [1, 2, 3]


def test_priority_goes_first() -> None:
    candidates = [walk_in(1, 10), walk_in(2, 15, priority=True)]
    assert choose_next(minutes(20), {CT}, candidates, POLICY).visit_id == 2  # type: ignore[union-attr]


def test_priority_ages_so_an_ordinary_ticket_is_not_starved() -> None:
    # An ordinary ticket that arrived more than the head start before a priority one goes first,
    # however many priority tickets keep arriving.
    ordinary = walk_in(1, 0)
    stream = [walk_in(10 + i, 11 + i, priority=True) for i in range(20)]
    chosen = choose_next(minutes(40), {CT}, [ordinary, *stream], POLICY)
    assert chosen is not None and chosen.visit_id == 1


def test_desk_only_calls_services_it_serves() -> None:
    candidates = [walk_in(1, 0, service=HOU), walk_in(2, 5, service=CT)]
    assert choose_next(minutes(10), {CT}, candidates, POLICY).visit_id == 2  # type: ignore[union-attr]
    assert choose_next(minutes(10), {99}, candidates, POLICY) is None


def test_walk_ins_past_target_go_before_an_appointment_not_yet_late() -> None:
    candidates = [walk_in(1, 0), appointment(2, 18, 20)]
    assert choose_next(minutes(20), {CT}, candidates, POLICY).visit_id == 1  # type: ignore[union-attr]


def test_appointment_in_breach_goes_first_even_when_walk_ins_are_in_breach() -> None:
    candidates = [walk_in(1, 0), appointment(2, 18, 20)]
    assert choose_next(minutes(25), {CT}, candidates, POLICY).visit_id == 2  # type: ignore[union-attr]
