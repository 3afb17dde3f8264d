"""Arrivals: walk-in tickets, appointment check-ins, and a ticket's own status."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ..errors import Conflict, IllegalTransition
from ..events import VisitChanged
from ..models import Appointment, Service, Site, Visit, VisitEvent
from ..rules.calendar import is_open, local_date, local_hour
from ..rules.lifecycle import Action, Status, refusal
from ..rules.permissions import Actor, Permission
from . import idempotency, queries, queue_plan, snapshots, views, visits
from .idempotency import IdempotencyKey
from .numbering import next_seq
from .uow import UnitOfWork

# The event log's name for a customer acting with their ticket's token (the phone page).
CUSTOMER = Actor(kind="customer", id=None, role=None, site_ids=frozenset())


@dataclass(frozen=True)
class TicketRequest:
    service: str
    priority: bool = False
    needs: list[str] = field(default_factory=list)
    language: str | None = None
    customer_name: str | None = None


def issue_ticket(
    uow: UnitOfWork, actor: Actor, site_slug: str, request: TicketRequest, key: str | None = None
) -> tuple[dict[str, Any], bool]:
    """Give a walk-in a numbered ticket. Returns the visit and whether it is a replay."""
    with uow.writing() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.ISSUE_TICKET, site.id)
        site = uow.lock_site(site.id)
        scope = f"ticket:{site.id}:{actor.label}"
        idem = IdempotencyKey.for_request(scope, key, asdict(request)) if key else None
        if stored := idempotency.replay(session, idem):
            return stored.body or {}, True
        now = uow.now()
        if actor.kind == "device" and not is_open(now, site.timezone, site.opening_hours):
            raise Conflict(f"{site.name} is closed now", code="site_closed")
        service = queries.service_by_code(session, site, request.service)
        visit = _new_visit(session, site, service, now, kind="walk_in")
        visit.priority = request.priority
        visit.needs = list(request.needs)
        visit.language = request.language
        visit.customer_name = request.customer_name
        body = _arrive(uow, session, actor, site, visit)
        idempotency.remember(session, idem, body, now)
        uow.commit()
    return body, False


def check_in(uow: UnitOfWork, actor: Actor, site_slug: str, reference: str) -> dict[str, Any]:
    """Turn a booked appointment into a waiting visit in the appointment queue."""
    with uow.writing() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.CHECK_IN, site.id)
        site = uow.lock_site(site.id)
        appointment = queries.appointment_by_reference(session, site, reference)
        now = uow.now()
        _check_can_check_in(appointment, site, now)
        visit = _new_visit(session, site, appointment.service, now, kind="appointment")
        visit.appointment = appointment
        visit.scheduled_at = appointment.scheduled_at
        visit.customer_name = appointment.customer_name
        appointment.status = "checked_in"
        body = _arrive(uow, session, actor, site, visit)
        uow.commit()
    return body


def ticket_status(uow: UnitOfWork, token: str) -> dict[str, Any]:
    """A visit's public status for whoever holds its token (the phone page)."""
    with uow.reading() as session:
        visit = queries.visit_by_token(session, token)
        plan = queue_plan.build(uow, session, visit.site, uow.now())
        return snapshots.ticket_view(plan, visit)


def leave(uow: UnitOfWork, token: str) -> dict[str, Any]:
    """The customer says they have gone (the phone page's "I've left"): the visit ends `left`,
    reported as walked away, not as a no-show. The ticket's token is the only authority, so
    only a visit still waiting or called may be left; anything later is a 409."""
    with uow.writing() as session:
        site_id = queries.visit_by_token(session, token).site_id
        site = uow.lock_site(site_id)
        visit = queries.visit_by_token(session, token)
        why = refusal(Action.CANCEL, Status(visit.status))
        if why:
            raise IllegalTransition(why)
        now = uow.now()
        visit.status = Status.LEFT
        visit.ended_at = now
        visits.record(uow, session, CUSTOMER, site, visit, Action.CANCEL, now, {"reason": "left"})
        body = snapshots.ticket_view(queue_plan.build(uow, session, site, now), visit)
        uow.commit()
    return body


def _check_can_check_in(appointment: Appointment, site: Site, now: datetime) -> None:
    if appointment.status == "checked_in":
        raise Conflict("this appointment has already checked in", code="already_checked_in")
    if appointment.status == "cancelled":
        raise Conflict("this appointment was cancelled", code="appointment_cancelled")
    if local_date(appointment.scheduled_at, site.timezone) != local_date(now, site.timezone):
        raise Conflict("this appointment is for another day", code="not_today")


def _new_visit(session: Session, site: Site, service: Service, now: datetime, kind: str) -> Visit:
    day = local_date(now, site.timezone)
    visit = Visit(
        site=site,
        service=service,
        token=secrets.token_urlsafe(32),
        kind=kind,
        status=Status.WAITING,
        local_date=day,
        local_hour=local_hour(now, site.timezone),
        number_prefix=service.prefix,
        number_seq=next_seq(session, site.id, service.prefix, day),
        arrived_at=now,
        needs=[],
    )
    session.add(visit)
    return visit


def _arrive(
    uow: UnitOfWork, session: Session, actor: Actor, site: Site, visit: Visit
) -> dict[str, Any]:
    """Log the arrival, fix the estimate the customer is shown, and describe the visit."""
    session.add(VisitEvent(visit=visit, type=Action.ARRIVE, at=visit.arrived_at, actor=actor.label))
    uow.touch(site)
    entry = queue_plan.arrival(uow, session, site, visit)
    if entry.estimate is not None:
        visit.estimate_at_issue_s = entry.estimate.wait_s
        visit.estimate_at_issue_low_s = entry.estimate.low_s
        visit.estimate_at_issue_high_s = entry.estimate.high_s
    # Usually the visit is written here, estimate and all (a plan of the queue wrote it first).
    session.flush()
    uow.emit(
        VisitChanged(site_id=site.id, site_slug=site.slug, visit_id=visit.id, token=visit.token)
    )
    return views.visit_public(entry, with_token=True)
