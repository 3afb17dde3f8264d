"""When a site's day ends, as pure functions over the site's timezone and opening hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from queue_service.rules.day_end import auto_close_on, day_end_after, last_day_end

LONDON = "Europe/London"
HOURS = {"mon": "09:00-17:00", "sat": "closed", "sun": "10:00-16:00"}
HALF_HOUR = timedelta(minutes=30)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "midnight_after"),
    [
        # Sunday 29 March 2026 has 23 hours: it ends at 00:00 BST, 23:00 UTC.
        (utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 23, 0)),
        (utc(2026, 3, 29, 22, 59), utc(2026, 3, 29, 23, 0)),
        # Sunday 25 October 2026 has 25 hours: it begins at 23:00 UTC the day before.
        (utc(2026, 10, 24, 23, 0), utc(2026, 10, 26, 0, 0)),
        (utc(2026, 10, 25, 1, 30), utc(2026, 10, 26, 0, 0)),
        (utc(2026, 10, 24, 22, 59), utc(2026, 10, 24, 23, 0)),
    ],
)
def test_without_auto_close_a_day_ends_at_local_midnight(
    instant: datetime, midnight_after: datetime
) -> None:
    assert day_end_after(instant, LONDON, HOURS, None) == midnight_after
    assert last_day_end(midnight_after, LONDON, HOURS, None) == midnight_after
    assert last_day_end(midnight_after - timedelta(seconds=1), LONDON, HOURS, None) <= instant


def test_auto_close_is_the_given_time_after_that_days_closing_time() -> None:
    monday = utc(2026, 11, 23, 12, 0)
    assert auto_close_on(monday, LONDON, HOURS, HALF_HOUR) == utc(2026, 11, 23, 17, 30)
    assert day_end_after(monday, LONDON, HOURS, HALF_HOUR) == utc(2026, 11, 23, 17, 30)
    # Arriving after the automatic close, a visit waits for midnight.
    late = utc(2026, 11, 23, 17, 40)
    assert day_end_after(late, LONDON, HOURS, HALF_HOUR) == utc(2026, 11, 24, 0, 0)
    assert last_day_end(late, LONDON, HOURS, HALF_HOUR) == utc(2026, 11, 23, 17, 30)
    assert last_day_end(utc(2026, 11, 23, 17, 29), LONDON, HOURS, HALF_HOUR) == utc(
        2026, 11, 23, 0, 0
    )


def test_auto_close_in_summer_time_is_local_closing_time() -> None:
    sunday = utc(2026, 3, 29, 12, 0)  # BST: closes 16:00 local, 15:00 UTC
    assert auto_close_on(sunday, LONDON, HOURS, HALF_HOUR) == utc(2026, 3, 29, 15, 30)


def test_no_auto_close_on_a_closed_day_or_past_midnight() -> None:
    saturday = utc(2026, 11, 28, 12, 0)
    assert auto_close_on(saturday, LONDON, HOURS, HALF_HOUR) is None
    assert day_end_after(saturday, LONDON, HOURS, HALF_HOUR) == utc(2026, 11, 29, 0, 0)
    monday = utc(2026, 11, 23, 12, 0)
    assert auto_close_on(monday, LONDON, HOURS, timedelta(hours=7)) is None
    assert last_day_end(utc(2026, 11, 24, 0, 30), LONDON, HOURS, timedelta(hours=7)) == utc(
        2026, 11, 24, 0, 0
    )
