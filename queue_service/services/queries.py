"""Lookups shared by the use cases; each raises NotFound rather than returning None."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..errors import Forbidden, Invalid, NotAuthenticated, NotFound
from ..models import Appointment, Desk, RotaShift, Service, Site, Visit, VisitEvent
from ..rules import day_end
from ..rules.calendar import local_date, zone
from ..rules.estimate import DeskState, Shift
from ..rules.lifecycle import ALLOWED_FROM, Action, Status
from ..rules.next_visit import CallPolicy, Candidate
from ..rules.permissions import Actor, Permission, can
from ..rules.rota import shifts_on
from ..rules.service_spans import SPAN_ACTIONS, LoggedStep, spans
from ..rules.service_times import ServiceTime, learn

RECENT_SERVICE_WINDOW = timedelta(days=14)
# Per service: the estimator draws from these, and a visit already in service draws from those
# longer than it has taken so far; the tail needs them (100 made M/M/c estimates 15% worse).
RECENT_SERVICE_SAMPLES = 200


def require(actor: Actor, permission: Permission, site_id: int) -> None:
    """Refuse the anonymous (401) and the wrong role or site (403)."""
    if actor.role is None:
        raise NotAuthenticated("sign in first")
    if not can(actor, permission, site_id):
        raise Forbidden(f"not allowed to {permission.value.replace('_', ' ')} at this site")


def site_by_slug(session: Session, slug: str) -> Site:
    site = session.scalars(select(Site).where(Site.slug == slug)).one_or_none()
    if site is None:
        raise NotFound(f"no site {slug!r}")
    return site


def service_by_code(session: Session, site: Site, code: str, field: str = "service") -> Service:
    service = session.scalars(
        select(Service).where(Service.site_id == site.id, Service.code == code, Service.active)
    ).one_or_none()
    if service is None:
        raise Invalid(f"no service {code!r} at {site.slug}", fields={field: "unknown service"})
    return service


def site_id_of(session: Session, model: type[Desk] | type[Visit], row_id: int) -> int:
    """The site a desk or visit belongs to: what a writer needs to check and lock first."""
    site_id = session.scalar(select(model.site_id).where(model.id == row_id))
    if site_id is None:
        raise NotFound(f"no {model.__tablename__} {row_id}")
    return site_id


def desk_by_id(session: Session, desk_id: int) -> Desk:
    desk = session.get(Desk, desk_id)
    if desk is None or not desk.active:
        raise NotFound(f"no desk {desk_id}")
    return desk


def visit_by_id(session: Session, visit_id: int) -> Visit:
    visit = session.get(Visit, visit_id, populate_existing=True)
    if visit is None:
        raise NotFound(f"no visit {visit_id}")
    return visit


def visit_by_token(session: Session, token: str) -> Visit:
    visit = session.scalars(select(Visit).where(Visit.token == token)).one_or_none()
    if visit is None:
        raise NotFound("no such ticket")
    return visit


def visits_by_token(session: Session, site_id: int, tokens: Collection[str]) -> Sequence[Visit]:
    return session.scalars(
        select(Visit).where(Visit.site_id == site_id, Visit.token.in_(tokens))
    ).all()


def appointment_by_reference(session: Session, site: Site, reference: str) -> Appointment:
    appointment = session.scalars(
        select(Appointment).where(
            Appointment.site_id == site.id, Appointment.reference == reference.strip().upper()
        )
    ).one_or_none()
    if appointment is None:
        raise NotFound(f"no appointment {reference!r} at {site.slug}")
    return appointment


# What the end of a day closes: visits waiting or called (one being served is left to finish).
CLOSABLE = sorted(ALLOWED_FROM[Action.CLOSE])


def auto_close_after(site: Site) -> timedelta | None:
    """How long after closing time the site's day ends by itself; None: at midnight."""
    seconds = site.auto_close_after_s
    return None if seconds is None else timedelta(seconds=seconds)


def day_began(site: Site, now: datetime) -> datetime:
    """When the site's current day began: its last day-end (local midnight, or the automatic
    close after closing time). Visits waiting or called since before then are not queued."""
    return day_end.last_day_end(now, site.timezone, site.opening_hours, auto_close_after(site))


def day_ends(site: Site, instant: datetime) -> datetime:
    """The site's first day-end after an instant."""
    return day_end.day_end_after(instant, site.timezone, site.opening_hours, auto_close_after(site))


def active_visits(session: Session, site: Site, now: datetime) -> list[Visit]:
    """The site's queue at `now`: visits of its current day waiting or being called, and
    every visit being served (whatever day it began, it is at a desk until completed)."""
    stmt = (
        select(Visit)
        .where(
            Visit.site_id == site.id,
            or_(
                Visit.status == Status.SERVING,
                and_(Visit.status.in_(CLOSABLE), Visit.arrived_at >= day_began(site, now)),
            ),
        )
        .options(selectinload(Visit.service), selectinload(Visit.desk))
        .order_by(Visit.arrived_at, Visit.id)
    )
    return list(session.scalars(stmt))


def ended_day_visits(session: Session, site: Site, now: datetime) -> list[Visit]:
    """Visits still waiting or called from a day of the site's that has ended."""
    stmt = (
        select(Visit)
        .where(
            Visit.site_id == site.id,
            Visit.status.in_(CLOSABLE),
            Visit.arrived_at < day_began(site, now),
        )
        .order_by(Visit.arrived_at, Visit.id)
    )
    return list(session.scalars(stmt))


def desk_in_use(session: Session, desk_id: int) -> Visit | None:
    """The visit called to, or being served at, a desk."""
    return session.scalars(
        select(Visit).where(
            Visit.desk_id == desk_id, Visit.status.in_([Status.CALLED, Status.SERVING])
        )
    ).first()


def policy_for(site: Site) -> CallPolicy:
    """The call rule's constants from the site's settings."""
    return CallPolicy(
        call_window=timedelta(seconds=site.call_window_s),
        grace=timedelta(seconds=site.grace_s),
        walk_in_target=timedelta(seconds=site.wait_target_s),
        appointment_target=timedelta(seconds=site.appointment_target_s),
    )


def candidate(visit: Visit) -> Candidate:
    """A waiting visit as the call rule sees it."""
    return Candidate(
        visit_id=visit.id,
        service_id=visit.service_id,
        arrived_at=visit.arrived_at,
        priority=visit.priority,
        scheduled_at=visit.scheduled_at,
    )


def current_starts(session: Session, active: list[Visit]) -> dict[int, datetime]:
    """When each visit being served started its current service: its last start, which
    after a transfer is later than `service_started_at` (the first start)."""
    serving = [v.id for v in active if v.status == Status.SERVING]
    if not serving:
        return {}
    rows = session.execute(
        select(VisitEvent.visit_id, func.max(VisitEvent.at))
        .where(VisitEvent.visit_id.in_(serving), VisitEvent.type == Action.START)
        .group_by(VisitEvent.visit_id)
    )
    return {visit_id: started for visit_id, started in rows}


def load_desks(session: Session, site: Site) -> None:
    """Load the site's desks with the services each one serves: two queries, not one per desk."""
    session.scalars(
        select(Site)
        .where(Site.id == site.id)
        .options(selectinload(Site.desks).selectinload(Desk.services))
    ).one()


def desk_states(site: Site, active: list[Visit], started: dict[int, datetime]) -> list[DeskState]:
    """The site's desks with the visit each one holds and when its service started (from
    `current_starts`), for the estimator."""
    at_desk = {v.desk_id: v for v in active if v.desk_id is not None and v.status != Status.WAITING}
    states = []
    for desk in site.desks:
        if not desk.active:
            continue
        current = at_desk.get(desk.id)
        states.append(
            DeskState(
                desk_id=desk.id,
                service_ids=frozenset(s.id for s in desk.services if s.active),
                is_open=desk.is_open,
                current_service_id=current.service_id if current else None,
                current_started_at=started.get(current.id) if current else None,
            )
        )
    return states


def service_times(session: Session, site: Site, now: datetime) -> dict[int, ServiceTime]:
    """Per service, its service-time distribution at this local hour, learned from recent
    completed visits (or its configured default).

    Durations are the spans of the event log (`rules.service_spans`) of the site's most
    recently completed visits, newest first: one query, the visits picked by the
    (site, completed_at) index and their log rows by visit."""
    recent = (
        select(Visit.id, Visit.service_id, Visit.completed_at)
        .where(
            Visit.site_id == site.id,
            Visit.completed_at.is_not(None),
            Visit.completed_at >= now - RECENT_SERVICE_WINDOW,
        )
        .order_by(Visit.completed_at.desc())
        .limit(RECENT_SERVICE_SAMPLES * max(len(site.services), 1))
        .subquery()
    )
    stmt = (
        select(VisitEvent.visit_id, VisitEvent.type, VisitEvent.at)
        # A transfer's `from` code, read by the database: decoding every row's JSON here
        # would cost more than the rest of the query.
        .add_columns(VisitEvent.data["from"].as_string(), recent.c.service_id)
        .join(recent, recent.c.id == VisitEvent.visit_id)
        .where(VisitEvent.type.in_(SPAN_ACTIONS))
        .order_by(recent.c.completed_at.desc(), VisitEvent.visit_id, VisitEvent.id)
    )
    by_code = {s.code: s.id for s in site.services}
    steps = (
        LoggedStep(
            visit_id,
            action,
            at,
            last_service if action == Action.COMPLETE else by_code.get(left or ""),
        )
        for visit_id, action, at, left, last_service in session.execute(stmt)
    )
    tz = zone(site.timezone)
    samples = (
        (service_id, started.astimezone(tz).hour, seconds)
        for service_id, started, seconds in spans(steps)
    )
    defaults = {s.id: s.default_service_min * 60.0 for s in site.services}
    return learn(samples, now.astimezone(tz).hour, defaults)


def rota(session: Session, site: Site, now: datetime) -> list[Shift]:
    """The desks' planned hours today (local), as instants."""
    rows = session.execute(
        select(RotaShift.desk_id, RotaShift.weekday, RotaShift.start_min, RotaShift.end_min).where(
            RotaShift.site_id == site.id
        )
    )
    weekly = [(desk_id, weekday, start, end) for desk_id, weekday, start, end in rows]
    return shifts_on(local_date(now, site.timezone), site.timezone, weekly)


def expected_appointments(session: Session, site: Site, now: datetime) -> list[Candidate]:
    """Booked appointments still to check in today, as the call rule will see them when they
    do: arriving on time (negative ids, so they never clash with a visit's)."""
    stmt = select(Appointment.id, Appointment.service_id, Appointment.scheduled_at).where(
        Appointment.site_id == site.id,
        Appointment.status == "booked",
        Appointment.scheduled_at >= now - timedelta(seconds=site.grace_s),
        Appointment.scheduled_at < now + timedelta(days=1),
    )
    window = timedelta(seconds=site.call_window_s)
    return [
        Candidate(
            visit_id=-appointment_id,
            service_id=service_id,
            arrived_at=min(max(scheduled_at - window, now), scheduled_at),
            scheduled_at=scheduled_at,
        )
        for appointment_id, service_id, scheduled_at in session.execute(stmt)
        if local_date(scheduled_at, site.timezone) == local_date(now, site.timezone)
    ]
