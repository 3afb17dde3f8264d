"""The site's queue in predicted call order, with positions and estimates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..models import Site, Visit
from ..rules.estimate import DeskState, Estimate, ServiceTime, plan
from ..rules.lifecycle import Status
from ..rules.next_visit import CallPolicy, Candidate
from . import queries

NEW_ARRIVAL = -1


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
    desks: list[DeskState]
    times: dict[int, ServiceTime]
    policy: CallPolicy
    # The site's last day-end: what happened before it belongs to a day that has ended.
    day_began: datetime

    def planned(self, visit: Visit) -> PlannedVisit:
        """The plan's entry for a visit; called and served visits have no estimate."""
        for entry in self.waiting:
            if entry.visit.id == visit.id:
                return entry
        return PlannedVisit(visit=visit, estimate=None, position=None)

    def new_arrival_estimate(self, service_id: int) -> Estimate | None:
        """What a walk-in for the service would be told if they took a ticket now."""
        newcomer = Candidate(visit_id=NEW_ARRIVAL, service_id=service_id, arrived_at=self.now)
        candidates = [queries.candidate(p.visit) for p in self.waiting] + [newcomer]
        for c, estimate in plan(self.now, self.desks, candidates, self.times, self.policy):
            if c.visit_id == NEW_ARRIVAL:
                return estimate
        return None


def build(session: Session, site: Site, now: datetime) -> QueuePlan:
    """Load the site's active visits and plan the waiting ones."""
    active = queries.active_visits(session, site, now)
    desks = queries.desk_states(site, active, queries.current_starts(session, active))
    times = queries.service_times(session, site, now)
    policy = queries.policy_for(site)
    waiting = {v.id: v for v in active if v.status == Status.WAITING}
    candidates = [queries.candidate(v) for v in waiting.values()]
    seen: dict[int, int] = {}
    planned = []
    for c, estimate in plan(now, desks, candidates, times, policy):
        seen[c.service_id] = seen.get(c.service_id, 0) + 1
        planned.append(
            PlannedVisit(visit=waiting[c.visit_id], estimate=estimate, position=seen[c.service_id])
        )
    return QueuePlan(site, now, active, planned, desks, times, policy, queries.day_began(site, now))
