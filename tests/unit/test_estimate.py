"""The estimator on hand-made queues: skills, elapsed time, the rota, appointments, the range,
and the near-linear replay checked against the call rule itself."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from queue_service.rules.estimate import DeskState, Estimate, Shift, forecast
from queue_service.rules.next_visit import CallPolicy, Candidate, choose_next, next_due_after
from queue_service.rules.rota import local_instant, shifts_on
from queue_service.rules.service_times import ServiceTime, default_time, learn

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
POLICY = CallPolicy()


def fixed(seconds: float) -> ServiceTime:
    """A service that always takes exactly `seconds`: the replays agree, the range is empty."""
    return ServiceTime((seconds,))


TIMES = {1: fixed(600), 2: fixed(300)}


def desk(i: int, services: set[int] | None = None, **state: object) -> DeskState:
    return DeskState(desk_id=i, service_ids=frozenset(services or {1}), is_open=True, **state)  # type: ignore[arg-type]


def walk_ins(n: int, service_id: int = 1, first_id: int = 0) -> list[Candidate]:
    return [Candidate(first_id + i, service_id, NOW - timedelta(minutes=n - i)) for i in range(n)]


def waits(result: list[tuple[Candidate, Estimate | None]]) -> dict[int, int | None]:
    return {c.visit_id: e.wait_s if e else None for c, e in result}


def test_one_desk_serves_the_queue_one_service_time_apart_in_call_order() -> None:
    result = forecast(NOW, [desk(1)], walk_ins(3), TIMES, POLICY).order
    assert [c.visit_id for c, _ in result] == [0, 1, 2]
    assert [e for _, e in result] == [
        Estimate(0, 0, 0),
        Estimate(600, 600, 600),
        Estimate(1200, 1200, 1200),
    ]


def test_desks_call_only_for_the_services_they_serve() -> None:
    desks = [desk(1, {1}), desk(2, {2})]
    queue = walk_ins(3, service_id=1) + walk_ins(1, service_id=2, first_id=10)
    assert waits(forecast(NOW, desks, queue, TIMES, POLICY).order) == {0: 0, 10: 0, 1: 600, 2: 1200}


def test_a_visit_in_service_frees_its_desk_after_its_remaining_time() -> None:
    busy = desk(1, current_service_id=1, current_started_at=NOW - timedelta(seconds=500))
    assert waits(forecast(NOW, [busy], walk_ins(2), TIMES, POLICY).order) == {0: 100, 1: 700}


def test_the_rota_closes_an_open_desk_and_opens_a_closed_one() -> None:
    closing = desk(1)
    opening = DeskState(desk_id=2, service_ids=frozenset({1}), is_open=False)
    rota = [
        Shift(1, NOW - timedelta(hours=1), NOW + timedelta(minutes=15)),
        Shift(2, NOW + timedelta(minutes=30), NOW + timedelta(hours=3)),
    ]
    result = forecast(NOW, [closing, opening], walk_ins(4), TIMES, POLICY, rota=rota).order
    assert waits(result) == {0: 0, 1: 600, 2: 1800, 3: 2400}


def test_a_due_appointment_goes_before_the_walk_ins_waiting() -> None:
    appointment = Candidate(9, 1, NOW, scheduled_at=NOW + timedelta(minutes=10))
    result = forecast(NOW, [desk(1)], [*walk_ins(3), appointment], TIMES, POLICY).order
    assert waits(result) == {0: 0, 9: 600, 1: 1200, 2: 1800}


def test_a_booked_appointment_not_yet_arrived_is_expected_to_take_a_desk() -> None:
    booked = Candidate(-5, 1, NOW + timedelta(minutes=3), scheduled_at=NOW + timedelta(minutes=5))
    result = forecast(NOW, [desk(1)], walk_ins(2), TIMES, POLICY, expected=[booked]).order
    assert waits(result) == {0: 0, 1: 1200}


def test_a_visit_no_desk_serves_gets_no_estimate() -> None:
    result = forecast(NOW, [desk(1, {1})], walk_ins(1, service_id=2), TIMES, POLICY)
    assert waits(result.order) == {0: None}
    assert result.newcomer[2] is None


def test_when_no_desk_is_open_or_planned_every_desk_is_assumed_open() -> None:
    closed = DeskState(desk_id=1, service_ids=frozenset({1}), is_open=False)
    assert waits(forecast(NOW, [closed], walk_ins(2), TIMES, POLICY).order) == {0: 0, 1: 600}


def test_the_newcomer_estimate_is_what_one_more_walk_in_would_get() -> None:
    desks = [desk(1, {1, 2}), desk(2, {2})]
    queue = walk_ins(3, 1) + walk_ins(2, 2, first_id=10)
    newcomer = forecast(NOW, desks, queue, TIMES, POLICY).newcomer
    for service_id in (1, 2):
        joined = [*queue, Candidate(99, service_id, NOW)]
        assert newcomer[service_id] == dict(forecast(NOW, desks, joined, TIMES, POLICY).order).get(
            joined[-1]
        )


def test_the_range_spans_the_spread_of_service_times_and_repeats_exactly() -> None:
    times = {1: default_time(600)}
    first = forecast(NOW, [desk(1)], walk_ins(5), times, POLICY).order
    last = first[-1][1]
    assert last is not None and last.low_s < last.wait_s < last.high_s
    assert forecast(NOW, [desk(1)], walk_ins(5), times, POLICY).order == first


def _reference(
    desks: list[DeskState], queue: list[Candidate], times: dict[int, ServiceTime]
) -> dict[int, float]:
    """The call rule stepped naively, desk by desk: what the fast replay must reproduce."""
    free = {d.desk_id: 0.0 for d in desks}
    remaining, starts = list(queue), {}
    while remaining and free:
        desk_id = min(free, key=lambda k: (free[k], k))
        at = NOW + timedelta(seconds=free[desk_id])
        services = next(d.service_ids for d in desks if d.desk_id == desk_id)
        chosen = choose_next(at, services, remaining, POLICY)
        if chosen is None:
            due = next_due_after(at, services, remaining, POLICY)
            if due is None:
                del free[desk_id]
            else:
                free[desk_id] = (due - NOW).total_seconds()
            continue
        remaining.remove(chosen)
        starts[chosen.visit_id] = free[desk_id]
        free[desk_id] += times[chosen.service_id].samples_s[0]
    return starts


@pytest.mark.parametrize("seed", range(25))
def test_the_replay_calls_in_the_order_the_call_rule_gives(seed: int) -> None:
    rng = random.Random(seed)
    times = {s: fixed(rng.choice([120, 300, 450, 900])) for s in (1, 2, 3)}
    desks = [
        desk(i, set(rng.sample([1, 2, 3], rng.randint(1, 3)))) for i in range(rng.randint(1, 4))
    ]
    queue = []
    for i in range(rng.randint(1, 30)):
        arrived = NOW - timedelta(seconds=rng.randint(0, 3600))
        scheduled = None
        if rng.random() < 0.3:
            scheduled = arrived + timedelta(seconds=rng.randint(-900, 1800))
        queue.append(Candidate(i, rng.randint(1, 3), arrived, rng.random() < 0.2, scheduled))
    result = forecast(NOW, desks, queue, times, POLICY, replays=1).order
    got = {c.visit_id: e.wait_s for c, e in result if e is not None}
    assert got == {k: round(max(v, 0)) for k, v in _reference(desks, queue, times).items()}


def test_service_times_are_learned_by_time_of_day_then_by_service_then_defaulted() -> None:
    morning = [(1, 9, 100.0)] * 40
    afternoon = [(1, 14, 900.0)] * 10
    learned = learn(morning + afternoon + [(2, 9, 50.0)], 9, {1: 600.0, 2: 300.0, 3: 60.0})
    assert learned[1].samples_s == (100.0,) * 40
    assert learn(morning, 16, {1: 600.0})[1].samples_s == (100.0,) * 40
    # Too few from around the hour: every sample of the service.
    assert len(learn(morning[:20] + afternoon, 9, {1: 600.0})[1].samples_s) == 30
    assert round(learned[2].mean_s) == 300 and round(learned[3].mean_s) == 60


def test_elapsed_time_draws_only_from_longer_samples() -> None:
    times = ServiceTime((100.0, 200.0, 300.0, 400.0))
    assert {times.draw_remaining(250, u / 10) for u in range(10)} == {50.0, 150.0}
    assert times.draw_remaining(500, 0.5) == 60.0


def test_rota_hours_are_local_also_on_clock_change_days() -> None:
    assert local_instant(date(2026, 3, 29), 9 * 60, "Europe/London") == datetime(
        2026, 3, 29, 8, 0, tzinfo=UTC
    )
    assert local_instant(date(2026, 10, 25), 9 * 60, "Europe/London") == datetime(
        2026, 10, 25, 9, 0, tzinfo=UTC
    )
    # 2026-03-29 is a Sunday (weekday 6).
    (shift,) = shifts_on(date(2026, 3, 29), "Europe/London", [(1, 6, 540, 1020), (1, 0, 0, 60)])
    assert shift.end - shift.start == timedelta(hours=8)
