"""A site's local days and opening hours: what the wall clock in the shop says."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$")


class CalendarError(ValueError):
    """A timezone or opening-hours value that cannot be understood."""


def zone(name: str) -> ZoneInfo:
    """The IANA timezone called `name`."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CalendarError(f"unknown timezone {name!r}") from exc


def local_date(instant: datetime, tz: str) -> date:
    """The site-local calendar day an instant falls on."""
    return instant.astimezone(zone(tz)).date()


def parse_instant(text: str) -> datetime:
    """An ISO 8601 time that carries its UTC offset (files from elsewhere must say which
    instant they mean); ValueError says what is wrong with it."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return value


def start_of_day(day: date, tz: str) -> datetime:
    """The instant (UTC) the site-local day `day` begins: its local midnight."""
    return at_wall_clock(day, timedelta(0), tz)


def local_hour(instant: datetime, tz: str) -> int:
    """The site-local hour of the day (0-23) an instant falls in."""
    return instant.astimezone(zone(tz)).hour


def at_wall_clock(day: date, wall: timedelta, tz: str) -> datetime:
    """The instant (UTC) the site's wall clock reads `wall` after the local midnight of `day`
    (`24:00` is the next local midnight)."""
    naive = datetime.combine(day, time(0)) + wall
    return naive.replace(tzinfo=zone(tz)).astimezone(UTC)


def parse_span(text: str) -> tuple[timedelta, timedelta] | None:
    """'09:00-17:00' as (opens, closes), each the wall-clock time after local midnight;
    '24:00' closes at the end of the day. 'closed' is None."""
    text = text.strip().lower()
    if text == "closed":
        return None
    match = _SPAN.match(text)
    if not match:
        raise CalendarError(
            f"opening hours {text!r} are not HH:MM-HH:MM (24:00 at the latest) or 'closed'"
        )
    h1, m1, h2, m2 = (int(g) for g in match.groups() if g is not None)
    opens, closes = timedelta(hours=h1, minutes=m1), timedelta(hours=h2, minutes=m2)
    if closes <= opens:
        raise CalendarError(f"opening hours {text!r} close before they open")
    return opens, closes


def validate_hours(hours: dict[str, Any]) -> dict[str, str]:
    """Opening hours with every day present and every span readable; unknown days refused."""
    unknown = set(hours) - set(DAYS)
    if unknown:
        raise CalendarError(f"unknown day(s) in opening hours: {', '.join(sorted(unknown))}")
    result = {}
    for day in DAYS:
        value = hours.get(day, "closed")
        if not isinstance(value, str):
            raise CalendarError(f"opening hours for {day} must be a string")
        parse_span(value)
        result[day] = value.strip().lower()
    return result


def hours_on(day: date, hours: dict[str, str]) -> tuple[timedelta, timedelta] | None:
    """The opening hours (opens, closes) of a local day, or None when the site is closed."""
    return parse_span(hours.get(DAYS[day.weekday()], "closed"))


def is_open(instant: datetime, tz: str, hours: dict[str, str]) -> bool:
    """Whether the site is open, by its local opening hours, at an instant."""
    local = instant.astimezone(zone(tz))
    span = hours_on(local.date(), hours)
    # The wall clock, not the time elapsed: on a clock-change day 10:00 is still 10:00.
    wall = timedelta(
        hours=local.hour, minutes=local.minute, seconds=local.second, microseconds=local.microsecond
    )
    return span is not None and span[0] <= wall < span[1]
