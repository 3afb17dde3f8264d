"""The quarterly standards report: the council's "Our aims / What we achieved" table for the
One Stop Shops, built from the summary figures and the delay notices posted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Notice, Site
from ...rules.periods import Period
from .scope import COMBINED

# aim -> (the summary's share, its count of visits that met the target, the count that
# reached the step, the time measured, the site's target column)
TIMED_AIMS = {
    "greeted": ("pct_greeted_within_2_min", "greeted_within_2_min", "greeted", "time_to_greet_s",
                "greet_target_s"),
    "started": ("pct_started_within_15_min", "started_within_15_min", "started", "wait_s",
                "wait_target_s"),
    "appointments": ("pct_appointments_on_time", "appointments_on_time",
                     "appointments_started", "appointment_lateness_s", "appointment_target_s"),
}  # fmt: skip
COLUMNS = ("aim", "site", "target_s", "reached", "met", "pct_met", "avg_s", "median_s", "p90_s")


def rows(
    session: Session, sites: Sequence[Site], period: Period, summary: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One row per aim and site (and all sites): the target, how many reached the step, how
    many met the target, the share, and the times; delay notices as a count."""
    by_site = {row["site"]: row for row in summary}
    targets = {s.slug: s for s in sites}
    result = []
    for aim, (pct, met, reached, measure, target) in TIMED_AIMS.items():
        for slug, row in by_site.items():
            site = targets.get(slug)
            result.append(
                {
                    "aim": aim,
                    "site": slug,
                    "target_s": getattr(site, target) if site else _shared(sites, target),
                    "reached": row[reached],
                    "met": row[met],
                    "pct_met": row[pct],
                    "avg_s": row[f"avg_{measure}"],
                    "median_s": row[f"median_{measure}"],
                    "p90_s": row[f"p90_{measure}"],
                }
            )
    notices = _notices(session, sites, period)
    for slug in by_site:
        count = sum(notices.values()) if slug == COMBINED else notices[slug]
        result.append({**dict.fromkeys(COLUMNS), "aim": "delay_notices", "site": slug,
                       "reached": count})  # fmt: skip
    return result


def statements(table: Sequence[dict[str, Any]], period: Period) -> list[dict[str, str]]:
    """The aims in the council's words, each with what was achieved in a sentence."""
    when = f"Between {_day(period.first)} and {_day(period.last)}"
    by = {(r["aim"], r["site"]): r for r in table}
    slugs = list(dict.fromkeys(r["site"] for r in table))
    scope = COMBINED if COMBINED in slugs else slugs[0]
    greet, start, appointment = (by[(aim, scope)] for aim in TIMED_AIMS)
    notices = by[("delay_notices", scope)]["reached"]
    per_site = ", ".join(
        f"{slug.title()} {_minutes(by[('started', slug)]['avg_s'])}"
        for slug in slugs
        if slug != COMBINED
    )
    where = (
        f"across our {len(slugs) - 1} One Stop Shop sites"
        if scope == COMBINED
        else f"at {scope.title()}"
    )
    return [
        {
            "aim": "greeted",
            "our_aim": f"We aim to greet you within {_minutes(greet['target_s'])} of your arrival "
            f"and then start dealing with your enquiry within {_minutes(start['target_s'])}.",
            "achieved": f"{when}, {_pct(greet['pct_met'])} of customers were greeted within "
            f"{_minutes(greet['target_s'])} and {_pct(start['pct_met'])} were seen within "
            f"{_minutes(start['target_s'])}. The average waiting time to see a CSA, {where}, "
            f"was {_minutes(start['avg_s'])}" + (f" ({per_site})." if scope == COMBINED else "."),
        },
        {
            "aim": "delay_notices",
            "our_aim": "If there are any excessive delays, we will explain the reason and "
            "provide you with an estimated waiting period.",
            "achieved": f"{when}, {notices} delay notice{'s' if notices != 1 else ''} with an "
            "estimated waiting period were posted to the waiting-area screens.",
        },
        {
            "aim": "appointments",
            "our_aim": "If you have an appointment, we aim to keep to your appointment time "
            "to ensure that you do not have to wait.",
            "achieved": f"{when}, {_pct(appointment['pct_met'])} of the "
            f"{appointment['reached']} appointments seen started within "
            f"{_minutes(appointment['target_s'])} of their time; appointments are kept in a "
            "separate queue and called according to their appointed time.",
        },
    ]


def _notices(session: Session, sites: Sequence[Site], period: Period) -> dict[str, int]:
    counts = {}
    for site in sites:
        start, end = period.utc_bounds(site.timezone)
        stmt = select(func.count()).where(
            Notice.site_id == site.id, Notice.posted_at >= start, Notice.posted_at < end
        )
        counts[site.slug] = session.scalar(stmt) or 0
    return counts


def _shared(sites: Sequence[Site], target: str) -> int | None:
    """The target all sites share, or None when they differ (each visit met its own)."""
    values = {getattr(s, target) for s in sites}
    return values.pop() if len(values) == 1 else None


def _day(day: Any) -> str:
    return f"{day.day} {day:%B %Y}"


def _minutes(value: float | None) -> str:
    if value is None:
        return "n/a"
    minutes = round(value / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}%"
