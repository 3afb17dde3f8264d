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
from ..rules.estimate import Estimate, Forecast, Situation, forecast
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
        situation = _situation(session, site, now, active)
        outlook = _forecast(uow, session, site, now, situation)
        remember(uow, site, now, outlook, situation)
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


def arrival(uow: UnitOfWork, session: Session, site: Site, visit: Visit) -> PlannedVisit:
    """A visit that has just arrived (its change counted by `uow.touch`): its place and
    estimate, inside the writer's site lock.

    A walk-in is planned without loading the queue when this process remembers the site as
    it was just before (the lock means nothing else changed since): an ordinary walk-in
    joins the end of its service's queue, which is what the forecast before it calls a
    newcomer; a priority one is planned from the situation before, joined by it. Either way
    the situation after it is remembered for the next arrival. Anything else is planned
    afresh."""
    now, before = visit.arrived_at, site.version - 1
    situation = uow.memo.situation(site.id, before, now)
    if visit.kind != "walk_in" or situation is None:
        return build(uow, session, site, now).planned(visit)
    service_id = visit.service.id  # not yet in `service_id`: the visit is not written
    told = None if visit.priority else uow.memo.newcomer(site.id, before, now, service_id)
    if told is not None:
        # Once committed, the visit has its id (it is written with its estimate, at once).
        site_id, version, before_it = site.id, site.version, situation
        uow.after_commit(
            lambda: uow.memo.keep_forecast(
                site_id, version, now, None, before_it.joined_by(queries.candidate(visit))
            )
        )
        estimate, ahead = told
        return PlannedVisit(visit, estimate, position=ahead + 1)
    session.flush()
    situation = situation.joined_by(queries.candidate(visit))
    outlook = _forecast(uow, session, site, now, situation)
    remember(uow, site, now, outlook, situation)
    same_service = [c.visit_id for c, _ in outlook.order if c.service_id == service_id]
    estimate = next(e for c, e in outlook.order if c.visit_id == visit.id)
    return PlannedVisit(visit, estimate, position=same_service.index(visit.id) + 1)


def remember(
    uow: UnitOfWork, site: Site, now: datetime, outlook: Forecast | None, situation: Situation
) -> None:
    """Keep a version's forecast (if worked out) and situation, once that version is
    committed."""
    site_id, version = site.id, site.version
    if uow.is_writing:
        uow.after_commit(lambda: uow.memo.keep_forecast(site_id, version, now, outlook, situation))
    else:
        uow.memo.keep_forecast(site_id, version, now, outlook, situation)


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


def _situation(session: Session, site: Site, now: datetime, active: list[Visit]) -> Situation:
    return Situation(
        desks=tuple(queries.desk_states(site, active, queries.current_starts(session, active))),
        waiting=tuple(queries.candidate(v) for v in active if v.status == Status.WAITING),
        rota=tuple(queries.rota(session, site, now)),
        expected=tuple(queries.expected_appointments(session, site, now)),
    )


def _forecast(
    uow: UnitOfWork, session: Session, site: Site, now: datetime, situation: Situation
) -> Forecast:
    return forecast(
        now,
        situation.desks,
        situation.waiting,
        service_times(uow, session, site, now),
        queries.policy_for(site),
        rota=situation.rota,
        expected=situation.expected,
    )
