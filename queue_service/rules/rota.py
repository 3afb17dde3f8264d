"""The rota: desks' planned hours, kept as local weekday and minutes, seen as instants."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby

from .calendar import DAYS, zone
from .estimate import Shift

MINUTES_PER_DAY = 24 * 60
_CLOCK = re.compile(r"([0-2]\d):([0-5]\d)")


def local_instant(day: date, minute: int, tz: str) -> datetime:
    """The UTC instant of `minute` minutes after local midnight on `day` (24:00 is the next
    midnight); on clock-change days a wall-clock time that happens twice is its first."""
    extra, minute = divmod(minute, MINUTES_PER_DAY)
    wall = datetime.combine(day + timedelta(days=extra), time(minute // 60, minute % 60))
    return wall.replace(tzinfo=zone(tz)).astimezone(UTC)


def shifts_on(day: date, tz: str, weekly: Iterable[tuple[int, int, int, int]]) -> list[Shift]:
    """The shifts of local `day` from weekly (desk id, weekday, start min, end min) rows."""
    return [
        Shift(desk_id, local_instant(day, start, tz), local_instant(day, end, tz))
        for desk_id, weekday, start, end in weekly
        if weekday == day.weekday()
    ]


def desks_by_hour(spans: Iterable[tuple[int, int]], hours: Iterable[int]) -> dict[int, float]:
    """How many desks are planned in each local hour, on average over the hour: the desk
    minutes of the (start, end) minute spans that fall in it, over 60 (a desk there for half
    of it counts a half)."""
    spans = list(spans)
    return {
        hour: sum(max(0, min(end, hour * 60 + 60) - max(start, hour * 60)) for start, end in spans)
        / 60
        for hour in hours
    }


@dataclass(frozen=True)
class WeeklyShift:
    """A desk's planned hours on one weekday (0 = Monday), in local minutes, end exclusive."""

    desk_id: int
    weekday: int
    start_min: int
    end_min: int


def clock(minute: int) -> str:
    """Minutes after local midnight as `HH:MM` (1440 is `24:00`)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def read_week(
    entries: Sequence[tuple[str, str, str, str]], desks: Mapping[str, int]
) -> tuple[list[WeeklyShift], dict[tuple[int, str], str]]:
    """A week's planned hours from (desk name, weekday, from, to) entries, as the sites file
    and the rota API write them (`tue`, `09:00`, `12:30`; `24:00` ends at midnight). Returns
    the shifts, or the problems keyed by (entry index, field): an unknown desk or weekday, an
    unreadable time, hours that end before they start, hours that overlap the same desk's on
    that day (named on the later entry)."""
    shifts: list[WeeklyShift] = []
    errors: dict[tuple[int, str], str] = {}
    for index, (desk, weekday, start, end) in enumerate(entries):
        if desk not in desks:
            errors[index, "desk"] = f"unknown desk {desk!r}"
        if weekday not in DAYS:
            errors[index, "weekday"] = f"must be one of {', '.join(DAYS)}"
        start_min, end_min = _minutes(start), _minutes(end)
        for field, minute in (("from", start_min), ("to", end_min)):
            if minute is None:
                errors[index, field] = "must be a time HH:MM from 00:00 to 24:00"
        if start_min is not None and end_min is not None and end_min <= start_min:
            errors[index, "to"] = "must be after from"
        if not any(key[0] == index for key in errors):
            assert start_min is not None and end_min is not None
            shifts.append(WeeklyShift(desks[desk], DAYS.index(weekday), start_min, end_min))
    if errors:
        return [], errors
    for later, earlier in _overlaps(shifts):
        shift = shifts[earlier]
        errors[later, "from"] = (
            f"overlaps entry {earlier} ({entries[earlier][0]} on {DAYS[shift.weekday]},"
            f" {clock(shift.start_min)}-{clock(shift.end_min)})"
        )
    return ([], errors) if errors else (shifts, {})


def _minutes(text: str) -> int | None:
    match = _CLOCK.fullmatch(text)
    if match is None:
        return None
    minute = int(match[1]) * 60 + int(match[2])
    return minute if minute <= MINUTES_PER_DAY else None


def _overlaps(shifts: Sequence[WeeklyShift]) -> list[tuple[int, int]]:
    """(later index, earlier index) for each shift that overlaps another of the same desk and
    day; touching hours (09:00-12:00, 12:00-17:00) do not overlap."""
    order = sorted(range(len(shifts)), key=lambda i: astuple(shifts[i]))
    found = []
    for _, group in groupby(order, key=lambda i: (shifts[i].desk_id, shifts[i].weekday)):
        reaching: int | None = None  # of the shifts so far, the one ending last
        for i in group:
            if reaching is not None and shifts[i].start_min < shifts[reaching].end_min:
                found.append((max(i, reaching), min(i, reaching)))
            if reaching is None or shifts[i].end_min > shifts[reaching].end_min:
                reaching = i
    return found
