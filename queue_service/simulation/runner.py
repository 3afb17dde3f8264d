"""The day simulator: a scenario run through the real service layer on a virtual clock.

The site lives in a throwaway SQLite file; time is a `ManualClock` that jumps from one
happening to the next. Between the scenario's events the simulator plays the staff: an open
desk with nobody at it calls next at once (the real `desks.call_next`, so the real rule), the
called customer starts after `walk_s`, and is served for the visit's `service_s` (ground
truth that the service layer never sees before the visit completes). A closing desk finishes
its current visit first, since `close_desk` leaves it in place. The estimate written for each
visit is the one the kiosk showed: the answer of `issue_ticket` or `check_in`.

Randomness (only service times an event leaves out) comes from one seeded generator, and the
events are processed in one fixed order, so the same scenario and seed give the same rows.
"""

from __future__ import annotations

import heapq
import random
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import ManualClock
from ..db import make_engine, make_session_factory, upgrade
from ..errors import QueueError
from ..events import Event as DomainEvent
from ..models import RotaShift, Site, Visit, VisitEvent
from ..rules.calendar import local_date, local_hour, zone
from ..rules.lifecycle import Action, Status
from ..rules.permissions import SYSTEM
from ..rules.service_times import lognormal
from ..services import appointments, desks, site_config, tickets, visits
from ..services.uow import UnitOfWork
from .scenario import Event, Scenario, ScenarioError

ALL_DAY = "00:00-24:00"
START, COMPLETE, WAKE = 0, 1, 2


@dataclass
class Row:
    """One visit's line in the output."""

    id: str
    kind: str
    service: str
    priority: bool = False
    scheduled_at: datetime | None = None
    reference: str | None = None
    visit_id: int | None = None
    desk: str | None = None
    service_s: float | None = None
    arrived_at: datetime | None = None
    estimate: tuple[int | None, int | None, int | None] = (None, None, None)
    called_at: datetime | None = None
    service_started_at: datetime | None = None
    completed_at: datetime | None = None

    @property
    def wait_s(self) -> float | None:
        """The reports' wait: from arrival, or from the appointment time if that is later."""
        if self.service_started_at is None or self.arrived_at is None:
            return None
        since = max(self.arrived_at, self.scheduled_at or self.arrived_at)
        return max((self.service_started_at - since).total_seconds(), 0.0)


class _Silent:
    """Nobody watches a simulated site's screens."""

    def publish(self, events: Sequence[DomainEvent]) -> None:
        del events


@dataclass
class _Day:
    uow: UnitOfWork
    scenario: Scenario
    rng: random.Random
    desk_ids: dict[str, int]
    rows: dict[str, Row] = field(default_factory=dict)
    by_visit: dict[int, Row] = field(default_factory=dict)
    busy: dict[str, int] = field(default_factory=dict)  # desk name → visit id at it
    open: set[str] = field(default_factory=set)
    waiting: Counter[str] = field(default_factory=Counter)  # service code → visits not called
    pending: list[tuple[datetime, int, int, str, int]] = field(default_factory=list)
    counter: int = 0


def simulate(scenario: Scenario, seed: int) -> list[Row]:
    """Run the scenario's day in a throwaway database; one row per visit."""
    with tempfile.TemporaryDirectory(prefix="onestop-simulation-") as workdir:
        return _simulate(scenario, seed, Path(workdir) / "simulation.db")


def _simulate(scenario: Scenario, seed: int, path: Path) -> list[Row]:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    clock = ManualClock(scenario.events[0].at)
    uow = UnitOfWork(make_session_factory(engine), clock, _Silent())
    try:
        day = _Day(uow, scenario, random.Random(seed), _set_up(uow, scenario))
        for event in scenario.events:
            _run_until(day, event.at)
            clock.set(event.at)
            try:
                _apply(day, event)
            except QueueError as exc:
                raise ScenarioError(f"events[{event.index}] ({event.type}): {exc.message}") from exc
            _call_free_desks(day)
        _run_until(day, None)
    finally:
        engine.dispose()
    return list(day.rows.values())


def _set_up(uow: UnitOfWork, scenario: Scenario) -> dict[str, int]:
    site_config.load_sites(
        uow,
        {
            "site": [
                {
                    "slug": scenario.slug,
                    "name": scenario.slug,
                    "timezone": scenario.timezone,
                    "opening_hours": dict.fromkeys(
                        ("mon", "tue", "wed", "thu", "fri", "sat", "sun"), ALL_DAY
                    ),
                    "service": [
                        {
                            "code": s.code,
                            "name": s.name,
                            "prefix": s.prefix,
                            "default_service_min": max(round(s.default_service_s / 60), 1),
                        }
                        for s in scenario.services
                    ],
                    "desk": [
                        {"name": d.name, "services": list(d.services)} for d in scenario.desks
                    ],
                }
            ]
        },
    )
    with uow.writing() as session:
        site = session.scalars(select(Site).where(Site.slug == scenario.slug)).one()
        site.call_window_s = scenario.settings.call_window_s
        site.grace_s = scenario.settings.late_grace_s
        desk_ids = {d.name: d.id for d in site.desks}
        for entry in scenario.rota:
            start = entry.start.astimezone(zone(site.timezone))
            end = entry.end.astimezone(zone(site.timezone))
            session.add(
                RotaShift(
                    site_id=site.id,
                    desk_id=desk_ids[entry.desk],
                    weekday=start.weekday(),
                    start_min=start.hour * 60 + start.minute,
                    end_min=(end.date() - start.date()).days * 1440 + end.hour * 60 + end.minute,
                )
            )
        _add_history(session, site, scenario)
        uow.commit()
    return desk_ids


def _add_history(session: Session, site: Site, scenario: Scenario) -> None:
    """Past completed visits, numbered per local day, with the log rows a real day leaves."""
    services = {s.code: s for s in site.services}
    numbers: dict[tuple[Any, str], int] = {}
    for index, past in enumerate(scenario.history):
        service = services[past.service]
        day = local_date(past.arrived_at, site.timezone)
        seq = numbers[(day, service.prefix)] = numbers.get((day, service.prefix), 0) + 1
        visit = Visit(
            site=site,
            service=service,
            token=f"history-{index}",
            kind="walk_in",
            status=Status.DONE,
            local_date=day,
            local_hour=local_hour(past.arrived_at, site.timezone),
            number_prefix=service.prefix,
            number_seq=seq,
            needs=[],
            arrived_at=past.arrived_at,
            called_at=past.service_started_at,
            service_started_at=past.service_started_at,
            completed_at=past.completed_at,
            ended_at=past.completed_at,
        )
        session.add(visit)
        for action, at in (
            (Action.ARRIVE, past.arrived_at),
            (Action.START, past.service_started_at),
            (Action.COMPLETE, past.completed_at),
        ):
            session.add(VisitEvent(visit=visit, type=action, at=at, actor="history"))


def _apply(day: _Day, event: Event) -> None:
    uow, slug = day.uow, day.scenario.slug
    if event.type == "desk_open":
        desks.open_desk(uow, SYSTEM, day.desk_ids[event.desk or ""])
        day.open.add(event.desk or "")
    elif event.type == "desk_close":
        desks.close_desk(uow, SYSTEM, day.desk_ids[event.desk or ""])
        day.open.discard(event.desk or "")
    elif event.type == "book":
        assert event.id and event.service and event.scheduled_at
        booking = appointments.book(uow, SYSTEM, slug, event.service, event.scheduled_at)
        day.rows[event.id] = Row(
            event.id,
            "appointment",
            event.service,
            scheduled_at=event.scheduled_at,
            reference=booking["reference"],
        )
    elif event.type == "check_in":
        row = day.rows[event.id or ""]
        _arrived(day, row, tickets.check_in(uow, SYSTEM, slug, row.reference or ""), event)
        # Idle desks call a checked-in appointment the moment it falls due.
        assert row.scheduled_at is not None
        window = timedelta(seconds=day.scenario.settings.call_window_s)
        _schedule(day, max(event.at, row.scheduled_at - window), WAKE)
    else:
        assert event.id and event.service
        request = tickets.TicketRequest(service=event.service, priority=event.priority)
        body, _ = tickets.issue_ticket(uow, SYSTEM, slug, request)
        row = day.rows[event.id] = Row(event.id, "walk_in", event.service, event.priority)
        _arrived(day, row, body, event)


def _arrived(day: _Day, row: Row, body: dict[str, Any], event: Event) -> None:
    row.visit_id = body["id"]
    row.arrived_at = event.at
    row.estimate = (
        body["estimated_wait_s"],
        body["estimated_wait_low_s"],
        body["estimated_wait_high_s"],
    )
    row.service_s = event.service_s or _drawn_service_s(day, row.service)
    day.by_visit[body["id"]] = row
    day.waiting[row.service] += 1


def _drawn_service_s(day: _Day, code: str) -> float:
    """A service time for a visit whose event gave none: lognormal around the default."""
    mean = next(s.default_service_s for s in day.scenario.services if s.code == code)
    return round(day.rng.lognormvariate(*lognormal(mean)))


def _call_free_desks(day: _Day) -> None:
    """Every open desk with nobody at it calls next, in the scenario's desk order. A desk
    none of whose services has anybody waiting is not asked: it would find nobody, and most
    of a day's calls were such (an arrival wakes every free desk, one of them takes it)."""
    now = day.uow.now()
    for spec in day.scenario.desks:
        if spec.name not in day.open or spec.name in day.busy:
            continue
        if not any(day.waiting[code] for code in spec.services):
            continue
        body, _ = desks.call_next(day.uow, SYSTEM, day.desk_ids[spec.name])
        if body is None:
            continue
        row = day.by_visit[body["id"]]
        day.waiting[row.service] -= 1
        row.called_at = now
        row.desk = spec.name
        day.busy[spec.name] = body["id"]
        _schedule(day, now + timedelta(seconds=day.scenario.settings.walk_s), START, spec.name)


def _schedule(day: _Day, at: datetime, kind: int, desk: str = "") -> None:
    day.counter += 1
    heapq.heappush(day.pending, (at, kind, day.counter, desk, day.busy.get(desk, 0)))


def _run_until(day: _Day, until: datetime | None) -> None:
    """Play the desks' own happenings (starts and completions) up to `until` (None: all)."""
    clock = day.uow.clock
    assert isinstance(clock, ManualClock)
    while day.pending and (until is None or day.pending[0][0] <= until):
        at, kind, _, desk, visit_id = heapq.heappop(day.pending)
        clock.set(at)
        if kind == WAKE:
            _call_free_desks(day)
            continue
        row = day.by_visit[visit_id]
        if kind == START:
            visits.start(day.uow, SYSTEM, visit_id)
            row.service_started_at = at
            _schedule(day, at + timedelta(seconds=row.service_s or 0), COMPLETE, desk)
        else:
            visits.complete(day.uow, SYSTEM, visit_id)
            row.completed_at = at
            del day.busy[desk]
            _call_free_desks(day)


COLUMNS = (
    "id",
    "kind",
    "service",
    "priority",
    "arrived_at",
    "estimate_s",
    "estimate_low_s",
    "estimate_high_s",
    "called_at",
    "service_started_at",
    "completed_at",
    "wait_s",
)


def csv_rows(rows: list[Row], timezone: str) -> list[list[str]]:
    """The rows as the CSV holds them: ISO 8601 site-local times, whole seconds, empty when
    it never happened."""
    tz = zone(timezone)

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return value.astimezone(tz).isoformat()
        if isinstance(value, float):
            return str(round(value))
        return str(value).lower() if isinstance(value, bool) else str(value)

    return [
        [
            text(v)
            for v in (
                r.id,
                r.kind,
                r.service,
                r.priority,
                r.arrived_at,
                *r.estimate,
                r.called_at,
                r.service_started_at,
                r.completed_at,
                r.wait_s,
            )
        ]
        for r in rows
    ]
