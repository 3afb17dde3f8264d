"""What a process remembers between requests: by version, aged, and never for too long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from queue_service.rules.estimate import DeskState, Estimate, Forecast, Situation
from queue_service.rules.next_visit import Candidate
from queue_service.rules.service_times import default_time
from queue_service.services.memo import BOARD_FRESH_S, FORECAST_FRESH_S, Memo

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
FORECAST = Forecast(
    order=[(Candidate(1, 1, NOW), Estimate(600, 300, 900))], newcomer={1: Estimate(900, 0, 1200)}
)


def test_a_forecast_is_found_only_for_its_version_and_ages_with_the_clock() -> None:
    memo = Memo()
    memo.keep_forecast(7, version=3, at=NOW, forecast=FORECAST)
    assert memo.forecast(7, 3, NOW) == FORECAST
    assert memo.forecast(7, 4, NOW) is None and memo.forecast(8, 3, NOW) is None
    later = memo.forecast(7, 3, NOW + timedelta(seconds=10))
    assert later is not None
    assert later.order[0][1] == Estimate(590, 290, 890)
    assert later.newcomer[1] == Estimate(890, 0, 1190)
    assert memo.forecast(7, 3, NOW + timedelta(seconds=FORECAST_FRESH_S + 1)) is None


def test_an_arrival_is_told_the_aged_newcomer_estimate_and_how_many_wait_before_it() -> None:
    memo = Memo()
    memo.keep_forecast(7, version=3, at=NOW, forecast=FORECAST)
    assert memo.newcomer(7, 3, NOW + timedelta(seconds=10), 1) == (Estimate(890, 0, 1190), 1)
    assert memo.newcomer(7, 3, NOW, 2) == (None, 0)
    assert memo.newcomer(7, 4, NOW, 1) is None


def test_an_older_version_never_replaces_a_newer_one() -> None:
    memo = Memo()
    memo.keep_forecast(7, version=4, at=NOW, forecast=FORECAST)
    memo.keep_forecast(7, version=3, at=NOW, forecast=Forecast(order=[], newcomer={}))
    assert memo.forecast(7, 4, NOW) == FORECAST


def test_a_situation_is_kept_with_or_without_its_forecast() -> None:
    memo = Memo()
    situation = Situation(desks=(DeskState(1, frozenset({1}), True),), waiting=())
    memo.keep_forecast(7, version=3, at=NOW, forecast=None, situation=situation)
    assert memo.situation(7, 3, NOW + timedelta(seconds=1)) == situation
    assert memo.forecast(7, 3, NOW) is None
    assert memo.situation(7, 2, NOW) is None
    assert memo.situation(7, 3, NOW + timedelta(seconds=FORECAST_FRESH_S + 1)) is None


def test_service_times_are_kept_per_hour_until_a_visit_finishes() -> None:
    memo = Memo()
    times = {1: default_time(600)}
    memo.keep_times(7, hour=10, now=NOW, times=times)
    assert memo.times(7, 10, NOW + timedelta(minutes=1)) is times
    assert memo.times(7, 11, NOW) is None
    memo.forget_times(7)
    assert memo.times(7, 10, NOW) is None


def test_a_board_is_served_for_a_few_seconds_of_its_version() -> None:
    memo = Memo()
    memo.keep_board(7, version=3, at=NOW, board={"version": 3})
    assert memo.board(7, 3, NOW + timedelta(seconds=1)) == {"version": 3}
    assert memo.board(7, 4, NOW) is None
    assert memo.board(7, 3, NOW + timedelta(seconds=BOARD_FRESH_S + 1)) is None
