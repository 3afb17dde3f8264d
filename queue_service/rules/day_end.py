"""When a site's day ends (DESIGN §4): at its local midnight, or, when the site asks for it, a
set time after its closing time that day. Whatever is still waiting or called then is closed.

Every instant here is UTC; days are the site's local ones, so a day is 23 or 25 hours long on
the clock-change days. A visit's day has ended at `now` exactly when it arrived before
`last_day_end(now)`, which is the same as `day_end_after(arrived_at) <= now`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .calendar import at_wall_clock, hours_on, local_date, start_of_day


def auto_close_on(
    instant: datetime, tz: str, hours: dict[str, str], after: timedelta | None
) -> datetime | None:
    """The automatic close of the local day `instant` falls on: `after` past that day's
    closing time. None when the site does not close automatically, is closed that day, or
    the moment would fall after midnight (midnight ends the day first)."""
    if after is None:
        return None
    day = local_date(instant, tz)
    span = hours_on(day, hours)
    if span is None:
        return None
    closes = at_wall_clock(day, span[1], tz) + after
    return closes if closes < start_of_day(day + timedelta(days=1), tz) else None


def day_end_after(
    instant: datetime, tz: str, hours: dict[str, str], after: timedelta | None
) -> datetime:
    """The first day-end after `instant`: that day's automatic close if it is still ahead,
    otherwise the next local midnight."""
    auto = auto_close_on(instant, tz, hours, after)
    if auto is not None and auto > instant:
        return auto
    return start_of_day(local_date(instant, tz) + timedelta(days=1), tz)


def last_day_end(
    now: datetime, tz: str, hours: dict[str, str], after: timedelta | None
) -> datetime:
    """The latest day-end at or before `now`: visits that arrived before it belong to a day
    that has ended."""
    auto = auto_close_on(now, tz, hours, after)
    if auto is not None and auto <= now:
        return auto
    return start_of_day(local_date(now, tz), tz)
