"""The site's queue in predicted call order, with positions and estimates.

A plan is worked out once per change: the forecast is remembered under the site's version
(`memo.Memo`), so the response to a change, the snapshots pushed after it and the board read
while nothing changes all share one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ..models import Site, Visit
from ..rules.calendar import zone
from ..rules.estimate import Estimate, Forecast, forecast
from ..rules.lifecycle import Status
from ..rules.next_visit import CallPolicy
from ..rules.service_times import ServiceTime
from . import queries

if TYPE_CHECKING:
    # Only for annotations: the unit of work closes ended days, whose views use this module.
    from .uow import UnitOfWork


@dataclass(frozen=True)
class PlannedVisit:
    visit: Visit
    estimate: Estimate | None
    # 1-based place among the waiting visits for the same service; None once called.
    position: int | None


@dataclass
class QueuePlan:
    """Everything a snapshot or an estimate needs about a site's queue at one instant."""

    site: Site
    now: datetime
    active: list[Visit]
    waiting: list[PlannedVisit]
    newcomer: dict[int, Estimate | None]
    policy: CallPolicy
    # The site's last day-end: what happened before it belongs to a day that has ended.
    day_began: datetime

    def __post_init__(self) -> None:
        # Pushes look up every queued visit: by id, not by scanning the queue each time.
        self._by_id = {entry.visit.id: entry for entry in self.waiting}

    def planned(self, visit: Visit) -> PlannedVisit:
        """The plan's entry for a visit; called and served visits have no estimate."""
        return self._by_id.get(visit.id) or unplanned(visit)

    def new_arrival_estimate(self, service_id: int) -> Estimate | None:
        """What a walk-in for the service would be told if they took a ticket now."""
        return self.newcomer.get(service_id)


def unplanned(visit: Visit) -> PlannedVisit:
    """A visit that is not waiting: no place and no estimate."""
    return PlannedVisit(visit=visit, estimate=None, position=None)


def build(uow: UnitOfWork, session: Session, site: Site, now: datetime) -> QueuePlan:
    """Load the site's active visits and plan the waiting ones (or reuse the remembered plan
    of this version)."""
    active = queries.active_visits(session, site, now)
    queries.load_desks(session, site)
    waiting = {v.id: v for v in active if v.status == Status.WAITING}
    outlook = uow.memo.forecast(site.id, site.version, now)
    if outlook is None or {c.visit_id for c, _ in outlook.order} != waiting.keys():
        outlook = _forecast(uow, session, site, now, active)
        remember(uow, site, now, outlook)
    seen: dict[int, int] = {}
    planned = []
    for c, estimate in outlook.order:
        seen[c.service_id] = seen.get(c.service_id, 0) + 1
        planned.append(
            PlannedVisit(visit=waiting[c.visit_id], estimate=estimate, position=seen[c.service_id])
        )
    return QueuePlan(
        site,
        now,
        active,
        planned,
        outlook.newcomer,
        queries.policy_for(site),
        queries.day_began(site, now),
    )


def remembered(uow: UnitOfWork, site: Site, now: datetime) -> Forecast | None:
    """The forecast of the site's current version, if this process worked it out lately."""
    return uow.memo.forecast(site.id, site.version, now)


def remember(uow: UnitOfWork, site: Site, now: datetime, outlook: Forecast) -> None:
    """Keep a forecast for the site's version, once that version is committed."""
    site_id, version = site.id, site.version
    if uow.is_writing:
        uow.after_commit(lambda: uow.memo.keep_forecast(site_id, version, now, outlook))
    else:
        uow.memo.keep_forecast(site_id, version, now, outlook)


def service_times(
    uow: UnitOfWork, session: Session, site: Site, now: datetime
) -> dict[int, ServiceTime]:
    """The site's service-time distributions at this local hour (remembered for a while)."""
    hour = now.astimezone(zone(site.timezone)).hour
    times = uow.memo.times(site.id, hour, now)
    if times is None:
        times = queries.service_times(session, site, now)
        uow.memo.keep_times(site.id, hour, now, times)
    return times


def _forecast(
    uow: UnitOfWork, session: Session, site: Site, now: datetime, active: list[Visit]
) -> Forecast:
    waiting = [queries.candidate(v) for v in active if v.status == Status.WAITING]
    return forecast(
        now,
        queries.desk_states(site, active, queries.current_starts(session, active)),
        waiting,
        service_times(uow, session, site, now),
        queries.policy_for(site),
        rota=queries.rota(session, site, now),
        expected=queries.expected_appointments(session, site, now),
    )
