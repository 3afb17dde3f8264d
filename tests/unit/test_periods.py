"""Report periods and target rules: pure functions, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from queue_service.rules.periods import PeriodError, between, containing, named, resolve
from queue_service.rules.targets import percent, within


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("2025Q3", date(2025, 7, 1), date(2025, 9, 30)),
        ("2025q4", date(2025, 10, 1), date(2025, 12, 31)),
        ("2024Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2025-12", date(2025, 12, 1), date(2025, 12, 31)),
        ("2026-W13", date(2026, 3, 23), date(2026, 3, 29)),
        ("2026-03-29", date(2026, 3, 29), date(2026, 3, 29)),
    ],
)
def test_named_periods_are_inclusive_local_days(name: str, first: date, last: date) -> None:
    period = named(name)
    assert (period.first, period.last) == (first, last)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("2025Q5", None, None), "period"),
        (("2025-13", None, None), "period"),
        (("2025-W60", None, None), "period"),
        (("2025Q3", "2025-07-01", None), "period"),
        ((None, None, "2025-07-01"), "from"),
        ((None, "2025-07-01", None), "to"),
        ((None, "1 July", "2025-07-31"), "from"),
        ((None, "2025-07-31", "2025-07-01"), "to"),
        ((None, "2020-01-01", "2025-12-31"), "to"),
    ],
)
def test_bad_periods_name_the_input(args: tuple[str | None, ...], field: str) -> None:
    with pytest.raises(PeriodError) as refused:
        resolve(*args)
    assert refused.value.field == field


def test_clock_change_days_are_23_and_25_hours_long() -> None:
    spring = between(date(2026, 3, 29), date(2026, 3, 29)).utc_bounds("Europe/London")
    autumn = named("2026-10-25").utc_bounds("Europe/London")
    assert spring == (datetime(2026, 3, 29, 0, tzinfo=UTC), datetime(2026, 3, 29, 23, tzinfo=UTC))
    assert autumn[1] - autumn[0] == timedelta(hours=25)
    assert autumn[0] == datetime(2026, 10, 24, 23, tzinfo=UTC)


def test_quarter_names() -> None:
    assert [containing("quarter", date(2025, m, 1)) for m in (1, 3, 4, 9, 10, 12)] == [
        "2025Q1", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2025Q4",
    ]  # fmt: skip


def test_the_period_containing_a_day_names_itself_as_named_reads_it() -> None:
    day = date(2026, 12, 31)  # ISO week 53 of 2026
    names = [containing(kind, day) for kind in ("day", "week", "month", "quarter")]
    assert names == ["2026-12-31", "2026-W53", "2026-12", "2026Q4"]
    assert all(named(n).first <= day <= named(n).last for n in names)


def test_reaching_the_target_exactly_counts_as_met() -> None:
    assert within(120, 120) and within(119.999, 120)
    assert not within(120.000001, 120)


def test_shares_are_of_those_who_reached_the_step_and_none_when_nobody_did() -> None:
    assert percent(6, 7) == 85.7
    assert percent(0, 3) == 0.0
    assert percent(0, 0) is None
