"""Service spans from the event log: each start to the complete or transfer after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from queue_service.rules.lifecycle import Action
from queue_service.rules.service_spans import LoggedStep, spans

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
CT, HOU = 1, 2


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_transferred_visit_counts_each_service_for_its_own_span() -> None:
    steps = [
        LoggedStep(7, Action.START, at(0)),
        LoggedStep(7, Action.TRANSFER, at(3), CT),
        LoggedStep(7, Action.START, at(43)),
        LoggedStep(7, Action.COMPLETE, at(53), HOU),
    ]
    assert list(spans(steps)) == [(CT, at(0), 180.0), (HOU, at(43), 600.0)]


def test_visits_may_interleave_and_unknown_or_unopened_spans_are_left_out() -> None:
    steps = [
        LoggedStep(1, Action.START, at(0)),
        LoggedStep(2, Action.START, at(1)),
        LoggedStep(2, Action.TRANSFER, at(5), None),  # a service code no longer known
        LoggedStep(3, Action.TRANSFER, at(6), CT),  # transferred before it was ever started
        LoggedStep(1, Action.COMPLETE, at(8), CT),
    ]
    assert list(spans(steps)) == [(CT, at(0), 480.0)]
