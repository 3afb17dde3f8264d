"""Report periods: ranges of site-local calendar days, named the way managers name them.

A period is inclusive of both days. Names understood: `2025Q3` (a quarter), `2025-07` (a
month), `2025-W27` (an ISO week) and `2025-07-14` (a day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .calendar import start_of_day

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_WEEK = re.compile(r"^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$")
MAX_DAYS = 366 * 5


class PeriodError(ValueError):
    """A period name or date range that cannot be understood; `field` names the input."""

    def __init__(self, message: str, field: str = "period") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def utc_bounds(self, tz: str) -> tuple[datetime, datetime]:
        """The instants where the period starts and ends at a site: local midnights, so a
        period holding a clock change is 23 or 25 hours longer or shorter, as it should be."""
        return start_of_day(self.first, tz), start_of_day(self.last + timedelta(days=1), tz)


def resolve(name: str | None, first: str | None, last: str | None) -> Period:
    """The period a request names: either `name` (see `named`) or both `first` and `last`
    (ISO dates, inclusive)."""
    if name is not None:
        if first is not None or last is not None:
            raise PeriodError("give either a period or from and to, not both")
        return named(name)
    if first is None or last is None:
        missing = "from" if first is None else "to"
        raise PeriodError("required, unless a period such as 2025Q3 is given", missing)
    return between(_iso_day(first, "from"), _iso_day(last, "to"))


def between(first: date, last: date) -> Period:
    """A custom period from its first to its last day."""
    if last < first:
        raise PeriodError("the period ends before it starts", "to")
    if (last - first).days >= MAX_DAYS:
        raise PeriodError(f"a period may cover at most {MAX_DAYS} days", "to")
    return Period(first, last)


def _iso_day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError("must be a date such as 2025-07-01", field) from None


def named(name: str) -> Period:
    """The period a name stands for: a quarter, month, ISO week or single day."""
    text = name.strip().upper()
    if match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        first = date(year, 3 * quarter - 2, 1)
        return Period(first, _month_end(year, 3 * quarter))
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        return Period(date(year, month, 1), _month_end(year, month))
    if match := _WEEK.match(text):
        try:
            first = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError as exc:
            raise PeriodError(f"{name!r}: {match[1]} has no week {match[2]}") from exc
        return Period(first, first + timedelta(days=6))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise PeriodError(
            f"{name!r} is not a period: use 2025Q3, 2025-07, 2025-W27 or 2025-07-14"
        ) from None
    return Period(day, day)


def containing(kind: str, day: date) -> str:
    """The name of the day, ISO week, month or quarter (`kind`) that a day falls in, e.g.
    ('quarter', 2025-08-14) -> '2025Q3'."""
    if kind == "day":
        return day.isoformat()
    if kind == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "month":
        return f"{day:%Y-%m}"
    if kind == "quarter":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    raise PeriodError(f"{kind!r} is not day, week, month or quarter", "kind")


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)
