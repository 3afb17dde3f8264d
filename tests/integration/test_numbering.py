"""Ticket numbers restart at local midnight, including on the clock-change days."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from queue_service.clock import ManualClock

# (last instant of the local day before, first instant of the local day) in UTC.
MIDNIGHTS = {
    # Clocks go forward at 01:00 GMT on Sunday 29 March 2026: local midnight is still GMT.
    "spring forward": (
        datetime(2026, 3, 28, 23, 59, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 1, tzinfo=UTC),
    ),
    # Monday 30 March: the first midnight in BST is 23:00 UTC the evening before.
    "first BST midnight": (
        datetime(2026, 3, 29, 22, 59, tzinfo=UTC),
        datetime(2026, 3, 29, 23, 1, tzinfo=UTC),
    ),
    # Clocks go back at 02:00 BST on Sunday 25 October 2026: that day's midnight is BST.
    "fall back": (
        datetime(2026, 10, 24, 22, 59, tzinfo=UTC),
        datetime(2026, 10, 24, 23, 1, tzinfo=UTC),
    ),
    "first GMT midnight": (
        datetime(2026, 10, 25, 23, 59, tzinfo=UTC),
        datetime(2026, 10, 26, 0, 1, tzinfo=UTC),
    ),
}


@pytest.mark.parametrize("case", MIDNIGHTS)
def test_numbering_restarts_at_local_midnight(
    case: str, adviser: FlaskClient, clock: ManualClock
) -> None:
    before, after = MIDNIGHTS[case]
    clock.set(before)
    numbers = [
        adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"}).json["number"]
        for _ in range(2)
    ]
    clock.set(after)
    numbers.append(
        adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"}).json["number"]
    )
    assert numbers == ["C001", "C002", "C001"]


def test_the_25_hour_day_keeps_one_sequence_across_the_repeated_hour(
    adviser: FlaskClient, clock: ManualClock
) -> None:
    # 01:30 local happens twice on 25 October 2026 (BST, then GMT): still one day.
    numbers = []
    for instant in (
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 22, 0, tzinfo=UTC),
    ):
        clock.set(instant)
        response = adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"})
        numbers.append(response.json["number"])
    assert numbers == ["C001", "C002", "C003"]


def test_each_prefix_counts_on_its_own(adviser: FlaskClient) -> None:
    numbers = [
        adviser.post("/api/v1/sites/bootle/tickets", json={"service": code}).json["number"]
        for code in ("CT", "HOU", "CT", "HOU")
    ]
    assert numbers == ["C001", "H001", "C002", "H002"]
