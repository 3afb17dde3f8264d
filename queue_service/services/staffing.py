"""The staffing planner: desks needed per hour of a weekday, from the site's history.

Erlang C (rules/staffing.py) gives the first cut per hour, from that weekday's average
arrivals and the site's mean service time. The figure assumes steady Poisson arrivals; real
days bunch. So the plan is then run through the day simulator on the last few of those days'
actual arrivals (each visit keeping its real service time), with that many desks open each
hour, serving every service; an hour that starts fewer than the target share in time gets one
more desk, and the days are run again, up to `ROUNDS` times. Beside each hour's figures
stand the desks the rota plans for it (`rota_desks`, averaged over the hour), so a manager
sees where the plan falls short.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from ..errors import Invalid
from ..models import Desk, RotaShift, Service, Site, Visit
from ..rules.calendar import DAYS, parse_span, zone
from ..rules.permissions import Actor, Permission
from ..rules.rota import desks_by_hour, local_instant
from ..rules.staffing import desks_needed
from ..simulation import runner
from ..simulation.scenario import DeskSpec, Event, Scenario, ServiceSpec, Settings
from . import queries
from .uow import UnitOfWork

WEEKS = 8
SIMULATED_DAYS = 4
ROUNDS = 3
SHARE = 0.9


@dataclass(frozen=True)
class _Past:
    service: str
    arrived_at: datetime
    service_s: float | None


def plan(uow: UnitOfWork, actor: Actor, site_slug: str, weekday: str) -> dict[str, Any]:
    """Desks per hour to start `SHARE` of visits within the site's wait target on `weekday`."""
    if weekday not in DAYS:
        raise Invalid(f"weekday must be one of {', '.join(DAYS)}", fields={"weekday": "unknown"})
    with uow.reading() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.VIEW_REPORTS, site.id)
        now = uow.now()
        rows = session.execute(
            select(Service.code, Visit.arrived_at, Visit.service_started_at, Visit.completed_at)
            .join(Service, Visit.service_id == Service.id)
            .where(Visit.site_id == site.id, Visit.arrived_at >= now - timedelta(weeks=WEEKS))
        )
        tz = zone(site.timezone)
        active = {s.code for s in site.services if s.active}
        days: dict[date, list[_Past]] = defaultdict(list)
        for code, arrived, started, completed in rows:
            local = arrived.astimezone(tz)
            if (
                code in active
                and DAYS[local.weekday()] == weekday
                and local.date() < now.astimezone(tz).date()
            ):
                duration = (completed - started).total_seconds() if started and completed else None
                days[local.date()].append(_Past(code, arrived, duration))
        services = [
            ServiceSpec(s.code, s.name, s.prefix, s.default_service_min * 60)
            for s in site.services
            if s.active
        ]
        target_s, timezone, hours = site.wait_target_s, site.timezone, _hours(site, weekday)
        spans = session.execute(
            select(RotaShift.start_min, RotaShift.end_min)
            .join(Desk, RotaShift.desk_id == Desk.id)
            .where(
                RotaShift.site_id == site.id,
                RotaShift.weekday == DAYS.index(weekday),
                Desk.active,
            )
        )
        planned = desks_by_hour(((start, end) for start, end in spans), hours)
    return _plan(site_slug, weekday, timezone, hours, services, dict(days), target_s, planned)


def _hours(site: Site, weekday: str) -> list[int]:
    span = parse_span(site.opening_hours.get(weekday, "closed"))
    if span is None:
        return []
    opens, closes = (int(t.total_seconds()) for t in span)
    # Every hour the site is open in, even in part.
    return list(range(opens // 3600, -(-closes // 3600)))


def _plan(
    slug: str,
    weekday: str,
    timezone: str,
    hours: list[int],
    services: list[ServiceSpec],
    days: dict[date, list[_Past]],
    target_s: int,
    planned: dict[int, float],
) -> dict[str, Any]:
    tz = zone(timezone)
    durations = [p.service_s for visits in days.values() for p in visits if p.service_s]
    mean_s = (
        statistics.fmean(durations)
        if durations
        else statistics.fmean(s.default_service_s for s in services)
    )
    per_hour = {h: 0 for h in hours}
    for visits in days.values():
        for p in visits:
            hour = p.arrived_at.astimezone(tz).hour
            if hour in per_hour:
                per_hour[hour] += 1
    arrivals = {h: n / len(days) if days else 0.0 for h, n in per_hour.items()}
    first_cut = {h: desks_needed(a / 3600, mean_s, target_s, SHARE) for h, a in arrivals.items()}
    desks: dict[int, int] = dict(first_cut)
    within: dict[int, float | None] = {}
    recent = sorted(days)[-SIMULATED_DAYS:] if hours else []
    for _ in range(ROUNDS if recent else 0):
        within = _simulated_share(
            timezone, hours, services, desks, [days[d] for d in recent], target_s
        )
        short = [h for h, share in within.items() if share is not None and share < SHARE]
        if not short:
            break
        for h in short:
            desks[h] += 1
    return {
        "site": slug,
        "weekday": weekday,
        "target_s": target_s,
        "share": SHARE,
        "days": len(days),
        "simulated_days": [d.isoformat() for d in recent],
        "mean_service_s": round(mean_s),
        "hours": [
            {
                "hour": f"{h:02d}:00",
                "arrivals_per_day": round(arrivals[h], 1),
                "erlang_c_desks": first_cut[h],
                "desks": desks[h],
                "simulated_within_target": _rounded(within.get(h)),
                "rota_desks": round(planned[h], 2),
            }
            for h in hours
        ],
    }


def _rounded(share: float | None) -> float | None:
    return None if share is None else round(share, 3)


def _simulated_share(
    timezone: str,
    hours: list[int],
    services: list[ServiceSpec],
    desks: dict[int, int],
    days: list[list[_Past]],
    target_s: int,
) -> dict[int, float | None]:
    """Per hour, the share of that hour's arrivals started within target, over the days."""
    met: dict[int, int] = defaultdict(int)
    seen: dict[int, int] = defaultdict(int)
    tz = zone(timezone)
    for visits in days:
        scenario = _scenario(timezone, hours, services, desks, visits)
        for row in runner.simulate(scenario, seed=0):
            if row.arrived_at is None:
                continue
            hour = row.arrived_at.astimezone(tz).hour
            seen[hour] += 1
            wait = row.wait_s
            met[hour] += wait is not None and wait <= target_s
    return {h: met[h] / seen[h] if seen[h] else None for h in hours}


def _scenario(
    timezone: str,
    hours: list[int],
    services: list[ServiceSpec],
    desks: dict[int, int],
    visits: list[_Past],
) -> Scenario:
    """One past day replayed: its arrivals as walk-ins, `desks[h]` generic desks in hour h."""
    day = visits[0].arrived_at.astimezone(zone(timezone)).date()
    most = max(max(desks.values(), default=0), 1)
    names = [f"Desk {i + 1}" for i in range(most)]
    events: list[Event] = []
    is_open = [False] * most
    for h in [*hours, hours[-1] + 1]:
        at = local_instant(day, h * 60, timezone)
        wanted = desks.get(h, 0)
        for i in range(most):
            if is_open[i] != (i < wanted):
                is_open[i] = i < wanted
                events.append(
                    Event(0, at, "desk_open" if is_open[i] else "desk_close", desk=names[i])
                )
    for n, p in enumerate(sorted(visits, key=lambda p: p.arrived_at)):
        events.append(
            Event(0, p.arrived_at, "walk_in", id=f"v{n}", service=p.service, service_s=p.service_s)
        )
    events.sort(key=lambda e: e.at)
    codes = tuple(s.code for s in services)
    return Scenario(
        slug="plan",
        timezone=timezone,
        services=tuple(services),
        desks=tuple(DeskSpec(name, codes) for name in names),
        settings=Settings(),
        events=tuple(events),
    )
