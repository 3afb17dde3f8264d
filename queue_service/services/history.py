"""Generated history: past days of visits at a site, for the demo pages and the benchmark."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from ..models import Visit
from ..rules.calendar import DAYS, local_date, parse_span, zone
from . import history_model, past_visits, queries
from .history_model import ServiceShape, SiteShape
from .uow import UnitOfWork

DEFAULT_VISITS_PER_DAY = 110.0
DAYS_PER_TRANSACTION = 20


def seed_history(
    uow: UnitOfWork,
    site_slug: str,
    days: int,
    *,
    seed: int = 1,
    visits_per_day: float = DEFAULT_VISITS_PER_DAY,
    on_day: Callable[[], None] = lambda: None,
) -> int:
    """Write made-up visits for each of the `days` local days before today on which the site
    is open and has no visits yet (so running it again adds nothing). Calls `on_day` after
    each day; returns the number of visits written."""
    with uow.reading() as session:
        site = queries.site_by_slug(session, site_slug)
        today = local_date(uow.now(), site.timezone)
        first = today - timedelta(days=days)
        taken = set(
            session.scalars(
                select(Visit.local_date)
                .distinct()
                .where(Visit.site_id == site.id, Visit.local_date.between(first, today))
            )
        )
        services = [s for s in site.services if s.active]
        shape = SiteShape(
            site_id=site.id,
            tz=zone(site.timezone),
            desks=max(1, sum(1 for d in site.desks if d.active)),
            services=tuple(
                ServiceShape(s.id, s.prefix, float(s.default_service_min), 1.0 / (1 + i * 0.4))
                for i, s in enumerate(services)
            ),
            visits_per_day=visits_per_day,
        )
        timezones = {site.id: site.timezone}
        hours = dict(site.opening_hours)
    rng = random.Random(f"{seed}:{site_slug}")
    pending = [first + timedelta(days=i) for i in range(days)]
    written = 0
    for start in range(0, len(pending), DAYS_PER_TRANSACTION):
        with uow.writing() as session:
            for day in pending[start : start + DAYS_PER_TRANSACTION]:
                span = parse_span(hours.get(DAYS[day.weekday()], "closed"))
                if span is not None and day not in taken and shape.services:
                    visits = history_model.day(shape, day, span, rng)
                    written += past_visits.write(session, timezones, visits)
                on_day()
            uow.commit()
    return written
