"""What counts as keeping a standard (DESIGN §8): the comparisons every report shares.

`within` is written with the plain `<=` operator so that the same rule applies to numbers in
Python and to column expressions that a query builder overloads; it stays standard library.
"""

from __future__ import annotations

from typing import Any


def within(value: Any, target: Any) -> Any:
    """Whether a measured time meets its target: reaching the target exactly counts as met."""
    return value <= target


def percent(met: int, reached: int) -> float | None:
    """Share of visits that met a target among those that reached the step, 0-100 to one
    decimal; None when nobody reached the step (no visits is not 0% and not 100%)."""
    if reached == 0:
        return None
    return round(100.0 * met / reached, 1)


def seconds(value: float | None) -> float | None:
    """A measured time as reported: seconds to one decimal, None when nothing was measured."""
    return None if value is None else round(float(value), 1)
