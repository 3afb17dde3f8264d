"""The staffing planner: desks needed per hour of a weekday, from the site's history.

This use case reads what the plan is worked out from — the weekday's last `WEEKS` local days
before today, the site's services, hours and target — and the rota's planned desks, in one
read; the `Planner` works the plan out in a child process (simulation/planning.py says how)
or gives the one it remembers for the same history. The rota's desks (`rota_desks`, averaged
over each hour) are added afterwards, so they are always today's, and a manager sees where
the plan falls short.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Invalid
from ..models import Desk, RotaShift, Service, Site, Visit
from ..rules.calendar import DAYS, local_date, parse_span
from ..rules.permissions import Actor, Permission
from ..rules.rota import desks_by_hour
from ..simulation.planning import Arrival, History
from ..simulation.scenario import ServiceSpec
from . import queries
from .planner import Planner
from .uow import UnitOfWork

WEEKS = 8


def plan(
    uow: UnitOfWork, actor: Actor, site_slug: str, weekday: str, planner: Planner
) -> dict[str, Any]:
    """Desks per hour to start 90% of visits within the site's wait target on `weekday`."""
    if weekday not in DAYS:
        raise Invalid(f"weekday must be one of {', '.join(DAYS)}", fields={"weekday": "unknown"})
    with uow.reading() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.VIEW_REPORTS, site.id)
        history = _history(session, site, weekday, uow.now())
        planned = _rota_desks(session, site, weekday, history.hours)
    answer = planner.plan(history)
    return {
        **answer,
        "hours": [
            {**hour, "rota_desks": round(planned[h], 2)}
            for hour, h in zip(answer["hours"], history.hours, strict=True)
        ],
    }


def _history(session: Session, site: Site, weekday: str, now: datetime) -> History:
    """The weekday's last `WEEKS` whole local days before today, and the site as it is."""
    today = local_date(now, site.timezone)
    latest = today - timedelta(days=(today.weekday() - DAYS.index(weekday) - 1) % 7 + 1)
    rows = session.execute(
        select(
            Visit.local_date,
            Service.code,
            Visit.arrived_at,
            Visit.service_started_at,
            Visit.completed_at,
        )
        .join(Service, Visit.service_id == Service.id)
        .where(
            Visit.site_id == site.id,
            Visit.local_date.in_([latest - timedelta(weeks=w) for w in range(WEEKS)]),
            Service.active,
        )
        .order_by(Visit.arrived_at, Visit.id)
    )
    days: dict[date, list[Arrival]] = defaultdict(list)
    for day, code, arrived, started, completed in rows:
        duration = (completed - started).total_seconds() if started and completed else None
        days[day].append(Arrival(code, arrived, duration))
    return History(
        site=site.slug,
        weekday=weekday,
        timezone=site.timezone,
        hours=_hours(site, weekday),
        services=tuple(
            ServiceSpec(s.code, s.name, s.prefix, s.default_service_min * 60)
            for s in site.services
            if s.active
        ),
        days=tuple((day, tuple(days[day])) for day in sorted(days)),
        target_s=site.wait_target_s,
    )


def _hours(site: Site, weekday: str) -> tuple[int, ...]:
    span = parse_span(site.opening_hours.get(weekday, "closed"))
    if span is None:
        return ()
    opens, closes = (int(t.total_seconds()) for t in span)
    # Every hour the site is open in, even in part.
    return tuple(range(opens // 3600, -(-closes // 3600)))


def _rota_desks(
    session: Session, site: Site, weekday: str, hours: tuple[int, ...]
) -> dict[int, float]:
    """The desks the rota plans in each hour, averaged over the hour."""
    spans = session.execute(
        select(RotaShift.start_min, RotaShift.end_min)
        .join(Desk, RotaShift.desk_id == Desk.id)
        .where(
            RotaShift.site_id == site.id,
            RotaShift.weekday == DAYS.index(weekday),
            Desk.active,
        )
    )
    return desks_by_hour(((start, end) for start, end in spans), hours)
