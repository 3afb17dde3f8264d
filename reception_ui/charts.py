"""Charts as SVG geometry, drawn on the server from a report's rows: bars with a y axis, an
optional shaded band of columns (the 12:00-14:00 peak) and a target line. The template turns
the geometry into <svg>; each chart has its numbers in a table beside it, and the shapes
differ by outline and hatching as well as shade, so a greyscale print still reads.
Standard library only."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 52, 10, 12, 40


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float | None
    marked: bool  # inside the band, or picked out by the caller (hatched)


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    baseline: float
    band: tuple[float, float] | None  # x from, x to
    band_label: str | None
    target: Tick | None

    @property
    def empty(self) -> bool:
        return all(b.value is None for b in self.bars)


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    unit: str,
    band: tuple[int, int] | None = None,
    band_label: str | None = None,
    target: float | None = None,
    target_label: str = "",
    top: float | None = None,
    marked: Sequence[bool] = (),
) -> Chart:
    """Bars for `values` (None leaves a gap) under `labels`; `band` shades the bars whose
    index is in [band[0], band[1]); `marked` hatches the bars it is true for (as the band
    does); `target` draws a dashed line at that value."""
    peak = max([v for v in values if v is not None] + [target or 0, top or 0, 1e-9])
    scale_top = top if top is not None else _nice(peak)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_h
    step = plot_w / max(len(labels), 1)

    def y_of(value: float) -> float:
        return baseline - plot_h * min(value, scale_top) / scale_top

    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = y_of(value) if value is not None else baseline
        bars.append(
            Bar(
                x=round(LEFT + i * step + step * 0.15, 1),
                y=round(y, 1),
                width=round(step * 0.7, 1),
                height=round(baseline - y, 1),
                label=label,
                value=value,
                marked=(band is not None and band[0] <= i < band[1])
                or (i < len(marked) and marked[i]),
            )
        )
    ticks = [Tick(round(y_of(scale_top * k / 4), 1), _number(scale_top * k / 4)) for k in range(5)]
    shaded = None
    if band is not None and band[1] > band[0]:
        shaded = (round(LEFT + band[0] * step, 1), round(LEFT + band[1] * step, 1))
    line = Tick(round(y_of(target), 1), target_label) if target is not None else None
    return Chart(title, unit, WIDTH, HEIGHT, bars, ticks, baseline, shaded, band_label, line)


def _nice(value: float) -> float:
    """A round number at or above `value` for the top of the axis (1, 2, 2.5 or 5 x 10^n)."""
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _number(value: float) -> str:
    return f"{value:g}" if value < 100 else f"{value:.0f}"
