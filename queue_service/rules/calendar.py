"""A site's local days and opening hours: what the wall clock in the shop says."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


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


def start_of_day(day: date, tz: str) -> datetime:
    """The instant (UTC) the site-local day `day` begins: its local midnight."""
    return datetime.combine(day, time(0), tzinfo=zone(tz)).astimezone(UTC)


def parse_span(text: str) -> tuple[time, time] | None:
    """'09:00-17:00' as (opens, closes); 'closed' as None."""
    text = text.strip().lower()
    if text == "closed":
        return None
    match = _SPAN.match(text)
    if not match:
        raise CalendarError(f"opening hours {text!r} are not HH:MM-HH:MM or 'closed'")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    opens = time(h1, m1)
    closes = time(23, 59, 59) if h2 == 24 else time(h2, m2)
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


def hours_on(day: date, hours: dict[str, str]) -> tuple[time, time] | None:
    """The opening hours (opens, closes) of a local day, or None when the site is closed."""
    return parse_span(hours.get(DAYS[day.weekday()], "closed"))


def is_open(instant: datetime, tz: str, hours: dict[str, str]) -> bool:
    """Whether the site is open, by its local opening hours, at an instant."""
    local = instant.astimezone(zone(tz))
    span = hours_on(local.date(), hours)
    return span is not None and span[0] <= local.time() < span[1]
