"""Which charts the report overview draws, from which report rows: per scope (each site, and
all of them together) the wait by hour of day with the 12:00-14:00 peak marked, the share
started within target by week, and the spread of waits; and the staffing page's desks by
hour."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from queue_service.services.reports.breakdowns import WAIT_BINS_MIN

from .charts import Chart, bar_chart

PEAK = (12, 14)  # local hours: the council's busiest time
COMBINED = "all"


def scopes(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The columns of the overview: each site, then all together (as the summary rows)."""
    return summary["rows"]


def overview(bodies: dict[str, dict[str, Any]]) -> dict[str, dict[str, Chart]]:
    """Per scope: `hourly`, `weekly` and `waits` charts."""
    charts: dict[str, dict[str, Chart]] = {}
    for row in bodies["summary"]["rows"]:
        site = row["site"]
        charts[site] = {
            "hourly": _hourly([r for r in bodies["hourly"]["rows"] if r["site"] == site]),
            "weekly": _weekly([r for r in bodies["weekly"]["rows"] if r["site"] == site]),
            "waits": _waits([r for r in bodies["waits"]["rows"] if r["site"] == site]),
        }
    return charts


def _hourly(rows: list[dict[str, Any]]) -> Chart:
    hours = list(
        range(min([9, *(r["hour"] for r in rows)]), max([17, *(r["hour"] + 1 for r in rows)]))
    )
    by_hour = {r["hour"]: r for r in rows}
    values = [_minutes(by_hour.get(h, {}).get("avg_wait_s")) for h in hours]
    band = (hours.index(PEAK[0]), hours.index(PEAK[1])) if PEAK[1] in hours else None
    return bar_chart(
        _("Average wait by hour of arrival"),
        [f"{h:02d}" for h in hours],
        values,
        unit=_("minutes"),
        band=band,
        band_label="12:00\u201314:00",
        target=15,
        target_label=_("%(n)s min target", n=15),
    )


def _weekly(rows: list[dict[str, Any]]) -> Chart:
    return bar_chart(
        _("Started within 15 minutes, by week"),
        [r["week"][5:] for r in rows],
        [r["pct_started_within_15_min"] for r in rows],
        unit="%",
        target=90,
        target_label=_("%(share)s aim", share="90%"),
        top=100,
    )


def _waits(rows: list[dict[str, Any]]) -> Chart:
    counted = {r["from_min"]: r["visits"] for r in rows}
    lowers = [0, *WAIT_BINS_MIN]
    labels = [f"{a}\u2013{b}" for a, b in zip(lowers, WAIT_BINS_MIN, strict=False)]
    labels.append(f"{WAIT_BINS_MIN[-1]}+")
    values = [counted.get(lower, 0) for lower in lowers]
    return bar_chart(_("How long people waited (minutes)"), labels, values, unit=_("visits"))


def staffing(plan: dict[str, Any]) -> Chart:
    """Desks needed per hour, checked by simulation; hatched where the rota plans fewer."""
    hours = plan["hours"]
    return bar_chart(
        _("Desks needed by hour (hatched: the rota plans fewer)"),
        [h["hour"][:2] for h in hours],
        [h["desks"] for h in hours],
        unit=_("desks"),
        marked=[h["rota_desks"] < h["desks"] for h in hours],
    )


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)
