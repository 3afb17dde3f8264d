"""Server-drawn charts: bar geometry, the marked band, the target line and gaps."""

from __future__ import annotations

from reception_ui.charts import BOTTOM, HEIGHT, TOP, bar_chart


def test_bars_scale_to_a_round_top_and_mark_the_band() -> None:
    chart = bar_chart(
        "wait", ["11", "12", "13", "14"], [5.0, 20.0, None, 10.0], unit="min", band=(1, 3),
        target=15,
    )  # fmt: skip
    baseline = HEIGHT - BOTTOM
    assert chart.baseline == baseline
    heights = [b.height for b in chart.bars]
    # A top of 20 (the peak): 20 fills the plot, 10 half of it, 5 a quarter; None is a gap.
    plot = baseline - TOP
    assert heights == [plot / 4, plot, 0, plot / 2]
    assert [b.marked for b in chart.bars] == [False, True, True, False]
    assert chart.band is not None and chart.band[0] < chart.bars[1].x < chart.band[1]
    assert chart.target is not None and chart.target.y == baseline - plot * 15 / 20
    assert [t.label for t in chart.ticks] == ["0", "5", "10", "15", "20"]
    assert not chart.empty


def test_a_chart_without_values_says_so() -> None:
    assert bar_chart("wait", ["9", "10"], [None, None], unit="min").empty


def test_bars_picked_out_by_the_caller_are_hatched_without_a_band() -> None:
    chart = bar_chart("desks", ["9", "10", "11"], [2, 3, 1], unit="desks", marked=[False, True])
    assert [b.marked for b in chart.bars] == [False, True, False] and chart.band is None
