"""The rota: desks' planned hours, kept as local weekday and minutes, seen as instants."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from .calendar import zone
from .estimate import Shift

MINUTES_PER_DAY = 24 * 60


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
