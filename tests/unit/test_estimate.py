"""The first estimator: the call rule replayed over the open desks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from queue_service.rules.estimate import DeskState, ServiceTime, plan, service_time_stats
from queue_service.rules.next_visit import CallPolicy, Candidate

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
TIMES = {1: ServiceTime(mean_s=600, stdev_s=120)}


def desk(i: int, is_open: bool = True) -> DeskState:
    return DeskState(desk_id=i, service_ids=frozenset({1}), is_open=is_open)


def waiting(n: int) -> list[Candidate]:
    return [Candidate(i, 1, NOW - timedelta(minutes=n - i)) for i in range(n)]


def test_one_desk_serves_the_queue_one_mean_service_time_apart() -> None:
    result = plan(NOW, [desk(1)], waiting(3), TIMES, CallPolicy())
    assert [e.wait_s for _, e in result if e] == [0, 600, 1200]


def test_two_desks_halve_the_wait_and_the_range_widens_with_depth() -> None:
    result = plan(NOW, [desk(1), desk(2)], waiting(4), TIMES, CallPolicy())
    estimates = [e for _, e in result if e]
    assert [e.wait_s for e in estimates] == [0, 0, 600, 600]
    assert estimates[2].low_s < 600 < estimates[2].high_s


def test_closed_desks_count_only_when_no_desk_is_open() -> None:
    assert plan(NOW, [desk(1, is_open=False)], waiting(1), TIMES, CallPolicy())[0][1] is not None
    other = DeskState(desk_id=2, service_ids=frozenset({2}), is_open=True)
    assert plan(NOW, [desk(1, is_open=False), other], waiting(1), TIMES, CallPolicy())[0][1] is None


def test_service_time_stats_fall_back_to_the_default_with_few_samples() -> None:
    assert service_time_stats([100, 200], 480).mean_s == 480
    assert service_time_stats([100, 200, 300, 400, 500], 480).mean_s == 300
