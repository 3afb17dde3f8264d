"""Opening hours by the site's wall clock, where `24:00` is the end of the day."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from queue_service.rules.calendar import CalendarError, is_open, validate_hours

LONDON = "Europe/London"


def hours(span: str) -> dict[str, str]:
    return validate_hours(dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), span))


@pytest.mark.parametrize(
    "instant",
    [
        pytest.param(datetime(2026, 11, 24, 23, 59, 30, tzinfo=UTC), id="last-minute-gmt"),
        pytest.param(datetime(2026, 11, 24, 23, 59, 59, 999999, tzinfo=UTC), id="last-instant"),
        # 2026-03-29: the clocks go forward; 23:59:59.5 BST is 22:59:59.5 UTC.
        pytest.param(
            datetime(2026, 3, 29, 22, 59, 59, 500000, tzinfo=UTC), id="spring-forward-day"
        ),
        # 2026-10-25: the clocks go back; 23:59:59.5 GMT.
        pytest.param(datetime(2026, 10, 25, 23, 59, 59, 500000, tzinfo=UTC), id="fall-back-day"),
    ],
)
def test_a_site_open_until_24_00_is_open_in_the_last_minute_of_the_day(instant: datetime) -> None:
    assert is_open(instant, LONDON, hours("00:00-24:00"))
    assert is_open(instant, LONDON, hours("09:00-24:00"))


def test_24_00_ends_at_local_midnight() -> None:
    evenings = {**hours("09:00-24:00"), "wed": "closed"}
    tuesday_midnight = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    assert not is_open(tuesday_midnight, LONDON, evenings)


def test_a_site_closing_at_23_59_is_closed_in_the_last_minute() -> None:
    assert not is_open(datetime(2026, 11, 24, 23, 59, 30, tzinfo=UTC), LONDON, hours("00:00-23:59"))


@pytest.mark.parametrize("span", ["09:00-24:01", "09:00-24:30", "24:00-24:00", "10:00-09:00"])
def test_spans_past_the_end_of_the_day_are_refused(span: str) -> None:
    with pytest.raises(CalendarError):
        hours(span)
