"""Read models: the sites list, one site, the public board and the staff queue (DESIGN §7)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Appointment, Site, Visit, VisitEvent
from ..rules.calendar import is_open
from ..rules.lifecycle import Action, Status
from ..rules.next_visit import in_appointment_queue
from ..rules.permissions import Actor, Permission
from . import closing, queries, queue_plan, views
from .notices import current_notice
from .uow import UnitOfWork

RECENT_CALLS = 10
APPOINTMENTS_AHEAD = timedelta(minutes=30)


def list_sites(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every site with its services."""
    with uow.reading() as session:
        sites = session.scalars(
            select(Site).options(selectinload(Site.services)).order_by(Site.name)
        )
        return [views.site_summary(s) for s in sites]


def site_detail(uow: UnitOfWork, site_slug: str) -> dict[str, Any]:
    """One site with its services, desks and opening hours."""
    with uow.reading() as session:
        site = queries.site_by_slug(session, site_slug)
        return {**views.site_detail(site), "open": _is_open(site, uow.now())}


def board(uow: UnitOfWork, actor: Actor | Callable[[], Actor], site_slug: str) -> dict[str, Any]:
    """The public snapshot the lobby screens draw: no names, notes or tokens. The actor may be
    given as a function that finds it, called only for a private board: a thousand screens
    subscribing to a public one then cost one lookup fewer each."""
    with uow.reading() as session:
        site = queries.site_by_slug(session, site_slug)
        if not site.public_board:
            queries.require(
                actor if isinstance(actor, Actor) else actor(), Permission.VIEW_BOARD, site.id
            )
        now = uow.now()
        if (kept := uow.memo.board(site.id, site.version, now)) is not None:
            return kept
        plan = queue_plan.build(uow, session, site, now)
        snapshot = _board(session, plan, _header(session, plan))
        uow.memo.keep_board(site.id, site.version, now, snapshot)
        return snapshot


def staff_queue(uow: UnitOfWork, actor: Actor, site_slug: str) -> dict[str, Any]:
    """Everything the staff app draws: both queues in call order, desks, ungreeted arrivals."""
    with uow.reading() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.VIEW_QUEUE, site.id)
        plan = queue_plan.build(uow, session, site, uow.now())
        return _staff(session, plan, _header(session, plan))


def version(uow: UnitOfWork, site_slug: str) -> int:
    """The site's current version: a subscriber compares it with the snapshot it was sent."""
    with uow.reading() as session:
        return queries.site_by_slug(session, site_slug).version


@dataclass(frozen=True)
class LivePush:
    """What the live updates send for one site at one instant, all from one queue plan."""

    site_slug: str
    board: dict[str, Any] | None  # None: tickets only
    staff: dict[str, Any] | None
    tickets: dict[str, dict[str, Any]]  # by ticket token


def live(uow: UnitOfWork, site_slug: str, *, tokens: Collection[str], views: bool) -> LivePush:
    """The tickets in `tokens` that belong to the site and, with `views`, the board and the
    staff queue."""
    with uow.reading() as session:
        site = queries.site_by_slug(session, site_slug)
        plan = queue_plan.build(uow, session, site, uow.now())
        active = {v.token: v for v in plan.active}
        visits = {token: active[token] for token in tokens if token in active}
        if wanted := set(tokens) - visits.keys():
            visits.update((v.token, v) for v in queries.visits_by_token(session, site.id, wanted))
        board = staff = None
        if views:
            header = _header(session, plan)
            board = _board(session, plan, header)
            uow.memo.keep_board(site.id, site.version, plan.now, board)
            staff = _staff(session, plan, header)
        return LivePush(
            site_slug=site.slug,
            board=board,
            staff=staff,
            tickets={token: ticket_view(plan, v) for token, v in visits.items()},
        )


def ticket_view(plan: queue_plan.QueuePlan, visit: Visit) -> dict[str, Any]:
    """A visit's public status for its holder, with the site and its version."""
    return {
        **views.visit_public(plan.planned(visit), with_token=True),
        "site": plan.site.slug,
        "version": plan.site.version,
    }


def _is_open(site: Site, now: datetime) -> bool:
    return is_open(now, site.timezone, site.opening_hours)


def _header(session: Session, plan: queue_plan.QueuePlan) -> dict[str, Any]:
    site = plan.site
    return {
        "site": {"slug": site.slug, "name": site.name, "timezone": site.timezone},
        "version": site.version,
        "generated_at": views.iso(plan.now),
        "open": _is_open(site, plan.now),
        "notice": views.notice_view(current_notice(session, site.id)),
    }


def _board(session: Session, plan: queue_plan.QueuePlan, header: dict[str, Any]) -> dict[str, Any]:
    # A visit still being served from an ended day stays at its desk for staff, but the lobby
    # must not show its number beside today's ticket with the same number.
    at_desks = sorted(
        (
            v
            for v in plan.active
            if v.status in (Status.CALLED, Status.SERVING) and v.arrived_at >= plan.day_began
        ),
        key=lambda v: (v.called_at or v.arrived_at, v.id),
        reverse=True,
    )
    return {
        **header,
        "calling": [_call_line(v, v.called_at, status=v.status) for v in at_desks],
        "recent": _recent_calls(session, plan.site.id, plan.day_began),
        "services": _service_waits(plan),
        "appointments_due": _appointments_due(session, plan),
    }


def _service_waits(plan: queue_plan.QueuePlan) -> list[dict[str, Any]]:
    """Per active service: how many wait, and the estimate for someone arriving now."""
    waiting_by_service: dict[int, int] = {}
    for entry in plan.waiting:
        sid = entry.visit.service_id
        waiting_by_service[sid] = waiting_by_service.get(sid, 0) + 1
    return [
        {
            "code": s.code,
            "name": s.name,
            "waiting": waiting_by_service.get(s.id, 0),
            **views.estimate_fields(plan.new_arrival_estimate(s.id)),
        }
        for s in plan.site.services
        if s.active
    ]


def _call_line(visit: Visit, at: datetime | None, **extra: Any) -> dict[str, Any]:
    return {
        "number": visit.number,
        "desk": visit.desk.name if visit.desk else None,
        "service": visit.service.name,
        "called_at": views.iso(at),
        **extra,
    }


def _recent_calls(session: Session, site_id: int, since: datetime) -> list[dict[str, Any]]:
    """The last calls of the site's current day, newest first."""
    rows = session.execute(
        select(VisitEvent, Visit)
        .join(Visit, VisitEvent.visit_id == Visit.id)
        .where(
            Visit.site_id == site_id,
            VisitEvent.type.in_([Action.CALL, Action.RECALL]),
            VisitEvent.at >= since,
        )
        .order_by(VisitEvent.at.desc(), VisitEvent.id.desc())
        .limit(RECENT_CALLS)
    )
    return [
        {**_call_line(visit, event.at), "desk": event.data.get("desk")} for event, visit in rows
    ]


def _appointments_due(session: Session, plan: queue_plan.QueuePlan) -> list[dict[str, Any]]:
    """Appointments in the next half hour, labelled by ticket number once checked in."""
    stmt = (
        select(Appointment)
        .where(
            Appointment.site_id == plan.site.id,
            Appointment.status.in_(["booked", "checked_in"]),
            Appointment.scheduled_at >= plan.now - timedelta(seconds=plan.site.grace_s),
            Appointment.scheduled_at <= plan.now + APPOINTMENTS_AHEAD,
        )
        .order_by(Appointment.scheduled_at, Appointment.id)
    )
    due = []
    for appointment in session.scalars(stmt):
        visit = appointment.visit
        if visit is not None and visit.status != Status.WAITING:
            continue
        due.append(
            {
                "number": visit.number if visit else None,
                "label": f"{appointment.service.name} appointment",
                "service": appointment.service.code,
                "scheduled_at": views.iso(appointment.scheduled_at),
                "checked_in": visit is not None,
            }
        )
    return due


def _staff(session: Session, plan: queue_plan.QueuePlan, header: dict[str, Any]) -> dict[str, Any]:
    appointments: list[dict[str, Any]] = []
    walk_ins: list[dict[str, Any]] = []
    for entry in plan.waiting:
        queue = (
            appointments
            if in_appointment_queue(queries.candidate(entry.visit), plan.policy)
            else walk_ins
        )
        queue.append(views.visit_staff(entry))
    at_desk = {v.desk_id: v for v in plan.active if v.status in (Status.CALLED, Status.SERVING)}
    greet_target = timedelta(seconds=plan.site.greet_target_s)
    not_greeted = [
        {
            **views.visit_staff(plan.planned(v)),
            "greet_due_at": views.iso(v.arrived_at + greet_target),
        }
        for v in plan.active
        if v.greeted_at is None and v.status == Status.WAITING
    ]
    return {
        **header,
        "appointments": appointments,
        "walk_ins": walk_ins,
        "desks": [
            {
                **views.desk_view(d),
                "current": views.visit_staff(plan.planned(at_desk[d.id]))
                if d.id in at_desk
                else None,
            }
            for d in plan.site.desks
            if d.active
        ],
        "not_greeted": not_greeted,
        # What a new arrival would wait per service: reception posts a delay notice by it.
        "services": _service_waits(plan),
        "targets": views.site_detail(plan.site)["targets"],
        "day": closing.day_view(plan.site, plan.active, plan.now),
    }
