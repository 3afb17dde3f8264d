"""Plain-dict views of the models: the shapes the API and the screens show (DESIGN §7)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..models import Appointment, Desk, Notice, Service, Site
from ..rules.estimate import Estimate
from .queue_plan import PlannedVisit


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with its offset, or None."""
    return value.isoformat() if value is not None else None


def estimate_fields(estimate: Estimate | None) -> dict[str, int | None]:
    """The three estimate fields every visit and service carries."""
    return {
        "estimated_wait_s": estimate.wait_s if estimate else None,
        "estimated_wait_low_s": estimate.low_s if estimate else None,
        "estimated_wait_high_s": estimate.high_s if estimate else None,
    }


def visit_public(entry: PlannedVisit, *, with_token: bool) -> dict[str, Any]:
    """A visit as its holder may see it: no names or notes."""
    v = entry.visit
    data: dict[str, Any] = {
        "id": v.id,
        "number": v.number,
        "kind": v.kind,
        "service": v.service.code,
        "service_name": v.service.name,
        "status": v.status,
        "priority": v.priority,
        "needs": list(v.needs or []),
        "language": v.language,
        "scheduled_at": iso(v.scheduled_at),
        "arrived_at": iso(v.arrived_at),
        "greeted_at": iso(v.greeted_at),
        "called_at": iso(v.called_at),
        "service_started_at": iso(v.service_started_at),
        "completed_at": iso(v.completed_at),
        "ended_at": iso(v.ended_at),
        "desk": v.desk.name if v.desk else None,
        "desk_id": v.desk_id,
        "position": entry.position,
        **estimate_fields(entry.estimate),
    }
    if with_token:
        data["token"] = v.token
    return data


def visit_staff(entry: PlannedVisit) -> dict[str, Any]:
    """A visit as staff see it: everything, including the customer's name and notes."""
    v = entry.visit
    return {
        **visit_public(entry, with_token=True),
        "customer_name": v.customer_name,
        "notes": v.notes,
        "appointment_reference": v.appointment.reference if v.appointment else None,
        "estimate_at_issue_s": v.estimate_at_issue_s,
        "estimate_at_issue_low_s": v.estimate_at_issue_low_s,
        "estimate_at_issue_high_s": v.estimate_at_issue_high_s,
    }


def service_view(service: Service) -> dict[str, Any]:
    return {
        "code": service.code,
        "name": service.name,
        "prefix": service.prefix,
        "default_service_min": service.default_service_min,
    }


def desk_view(desk: Desk) -> dict[str, Any]:
    return {
        "id": desk.id,
        "name": desk.name,
        "services": [s.code for s in desk.services if s.active],
        "open": desk.is_open,
    }


def site_summary(site: Site) -> dict[str, Any]:
    return {
        "slug": site.slug,
        "name": site.name,
        "timezone": site.timezone,
        "services": [service_view(s) for s in site.services if s.active],
    }


def site_detail(site: Site) -> dict[str, Any]:
    return {
        **site_summary(site),
        "desks": [desk_view(d) for d in site.desks if d.active],
        "opening_hours": dict(site.opening_hours),
        "targets": {
            "greet_s": site.greet_target_s,
            "wait_s": site.wait_target_s,
            "appointment_lateness_s": site.appointment_target_s,
        },
        # How late an appointment may check in and still be called as one (the call rule).
        "appointment_grace_s": site.grace_s,
    }


def appointment_view(appointment: Appointment) -> dict[str, Any]:
    return {
        "reference": appointment.reference,
        "site": appointment.site.slug,
        "service": appointment.service.code,
        "scheduled_at": iso(appointment.scheduled_at),
        "customer_name": appointment.customer_name,
        "status": appointment.status,
        "visit_id": appointment.visit.id if appointment.visit else None,
    }


def notice_view(notice: Notice | None) -> dict[str, Any] | None:
    if notice is None:
        return None
    return {
        "message": notice.message,
        "estimated_wait_min": notice.estimated_wait_min,
        "posted_at": iso(notice.posted_at),
    }
