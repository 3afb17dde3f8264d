"""Booking and cancelling appointments."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from ..errors import Conflict, Invalid
from ..models import Appointment
from ..rules.calendar import local_date, start_of_day
from ..rules.permissions import Actor, Permission
from . import queries, views
from .uow import UnitOfWork

# Letters and digits that cannot be misread for each other on a phone or a letter.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8
BOOK_AT_MOST_AHEAD = timedelta(days=366)
BOOK_AT_MOST_BEHIND = timedelta(hours=1)


def book(
    uow: UnitOfWork,
    actor: Actor,
    site_slug: str,
    service_code: str,
    scheduled_at: datetime,
    customer_name: str | None = None,
) -> dict[str, Any]:
    """Book an appointment; the answer carries the reference the customer checks in with."""
    with uow.writing() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.BOOK_APPOINTMENT, site.id)
        now = uow.now()
        if not now - BOOK_AT_MOST_BEHIND <= scheduled_at <= now + BOOK_AT_MOST_AHEAD:
            raise Invalid(
                "scheduled_at must be between an hour ago and a year ahead",
                fields={"scheduled_at": "out of range"},
            )
        site = uow.lock_site(site.id)
        service = queries.service_by_code(session, site, service_code)
        appointment = Appointment(
            site=site,
            service=service,
            reference=_unused_reference(session),
            scheduled_at=scheduled_at,
            customer_name=customer_name,
            status="booked",
            created_at=now,
        )
        session.add(appointment)
        session.flush()
        uow.touch(site)
        body = views.appointment_view(appointment)
        uow.commit()
    return body


def cancel(uow: UnitOfWork, actor: Actor, site_slug: str, reference: str) -> dict[str, Any]:
    """Cancel a booking that has not checked in."""
    with uow.writing() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.BOOK_APPOINTMENT, site.id)
        site = uow.lock_site(site.id)
        appointment = queries.appointment_by_reference(session, site, reference)
        if appointment.status != "booked":
            raise Conflict(f"the appointment is {appointment.status}", code="illegal_transition")
        appointment.status = "cancelled"
        uow.touch(site)
        body = views.appointment_view(appointment)
        uow.commit()
    return body


def day_list(
    uow: UnitOfWork, actor: Actor, site_slug: str, day: date | None = None
) -> dict[str, Any]:
    """A site's appointments on a local day (today by default) by time, with their check-in
    state and, once checked in, their visit's number and status."""
    with uow.reading() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.VIEW_QUEUE, site.id)
        day = day or local_date(uow.now(), site.timezone)
        begins = start_of_day(day, site.timezone)
        ends = start_of_day(day + timedelta(days=1), site.timezone)
        rows = session.scalars(
            select(Appointment)
            .where(
                Appointment.site_id == site.id,
                Appointment.scheduled_at >= begins,
                Appointment.scheduled_at < ends,
            )
            .order_by(Appointment.scheduled_at, Appointment.reference)
        )
        return {
            "site": site.slug,
            "date": day.isoformat(),
            "appointments": [
                {
                    **views.appointment_view(a),
                    "number": a.visit.number if a.visit else None,
                    "visit_status": a.visit.status if a.visit else None,
                }
                for a in rows
            ],
        }


def _unused_reference(session: Any) -> str:
    while True:
        reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        taken = session.scalar(select(Appointment.id).where(Appointment.reference == reference))
        if taken is None:
            return reference
