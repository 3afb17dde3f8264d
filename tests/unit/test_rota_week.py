"""Reading a week of planned desk hours: what is refused, and what counts as an overlap."""

from __future__ import annotations

import pytest

from queue_service.rules.rota import WeeklyShift, read_week

DESKS = {"Desk 1": 1, "Desk 2": 2}


def test_a_week_reads_as_local_minutes_with_24_00_the_end_of_the_day() -> None:
    shifts, problems = read_week([("Desk 2", "sun", "18:30", "24:00")], DESKS)
    assert problems == {}
    assert shifts == [WeeklyShift(desk_id=2, weekday=6, start_min=18 * 60 + 30, end_min=1440)]


def test_hours_inside_a_long_stretch_overlap_it_even_after_another_inside_it() -> None:
    week = [
        ("Desk 1", "tue", "09:00", "17:00"),
        ("Desk 1", "tue", "10:00", "11:00"),
        ("Desk 1", "tue", "12:00", "13:00"),
    ]
    _, problems = read_week(week, DESKS)
    assert set(problems) == {(1, "from"), (2, "from")}
    assert problems[2, "from"] == "overlaps entry 0 (Desk 1 on tue, 09:00-17:00)"


@pytest.mark.parametrize(
    "other",
    [
        ("Desk 1", "tue", "12:00", "17:00"),  # touching
        ("Desk 1", "wed", "10:00", "11:00"),  # another day
        ("Desk 2", "tue", "10:00", "11:00"),  # another desk
    ],
)
def test_touching_hours_other_days_and_other_desks_do_not_overlap(
    other: tuple[str, str, str, str],
) -> None:
    shifts, problems = read_week([("Desk 1", "tue", "09:00", "12:00"), other], DESKS)
    assert problems == {} and len(shifts) == 2


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (("Desk 3", "tue", "09:00", "12:00"), "desk"),
        (("Desk 1", "Tue", "09:00", "12:00"), "weekday"),
        (("Desk 1", "tue", "9:00", "12:00"), "from"),
        (("Desk 1", "tue", "09:60", "12:00"), "from"),
        (("Desk 1", "tue", "09:00", "24:01"), "to"),
        (("Desk 1", "tue", "12:00", "09:00"), "to"),
    ],
)
def test_a_bad_entry_is_named_by_its_field(entry: tuple[str, str, str, str], field: str) -> None:
    shifts, problems = read_week([entry], DESKS)
    assert shifts == [] and list(problems) == [(0, field)]
