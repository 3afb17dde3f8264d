"""Sites and what happens at them: boards, queues, tickets, check-ins, bookings, notices."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from ..errors import Invalid
from ..services import appointment_import, appointments, closing, notices, snapshots, tickets
from . import limits
from . import outputs as out
from .context import actor, idempotency_key, uow
from .inputs import AppointmentsQuery, Booking, CheckIn, Empty, NoticeRequest, TicketRequest
from .spec import IDEMPOTENCY_KEY, STAFF, operation

bp = Blueprint("sites", __name__)


@bp.get("/sites")
@operation({200: list[out.SiteSummary]})
def list_sites() -> ResponseReturnValue:
    """Sites with their services."""
    return jsonify(snapshots.list_sites(uow()))


@bp.get("/sites/<site>")
@operation({200: out.SiteDetail})
def show_site(site: str) -> ResponseReturnValue:
    """One site: services, desks, opening hours."""
    return snapshots.site_detail(uow(), site)


@bp.get("/sites/<site>/board")
@operation({200: out.Board}, errors=(401, 403))
def board(site: str) -> ResponseReturnValue:
    """The public board snapshot (a site with a private board shows it to its devices and
    staff only)."""
    return snapshots.board(uow(), actor(), site)


@bp.get("/sites/<site>/queue")
@operation({200: out.StaffQueue}, errors=STAFF)
def queue(site: str) -> ResponseReturnValue:
    """Both queues for staff."""
    return snapshots.staff_queue(uow(), actor(), site)


@bp.post("/sites/<site>/tickets")
@operation({201: out.Visit}, body=TicketRequest, errors=STAFF, headers=(IDEMPOTENCY_KEY,))
def issue_ticket(site: str, body: TicketRequest) -> ResponseReturnValue:
    """Issue a walk-in ticket (kiosk device or staff)."""
    request = tickets.TicketRequest(
        service=body.service,
        priority=body.priority,
        needs=body.needs,
        language=body.language,
        customer_name=body.customer_name,
    )
    who = actor()
    limits.kiosk_request(who)
    answer, replayed = tickets.issue_ticket(uow(), who, site, request, idempotency_key())
    return answer, 201, {"Idempotent-Replayed": "true"} if replayed else {}


@bp.post("/sites/<site>/check-in")
@operation({201: out.Visit}, body=CheckIn, errors=STAFF)
def check_in(site: str, body: CheckIn) -> ResponseReturnValue:
    """Check in an appointment (kiosk device or staff)."""
    who = actor()
    limits.kiosk_request(who)
    return tickets.check_in(uow(), who, site, body.reference), 201


@bp.post("/sites/<site>/appointments")
@operation({201: out.Appointment}, body=Booking, errors=STAFF)
def book_appointment(site: str, body: Booking) -> ResponseReturnValue:
    """Book an appointment."""
    answer = appointments.book(
        uow(), actor(), site, body.service, body.scheduled_at, body.customer_name
    )
    return answer, 201


@bp.get("/sites/<site>/appointments")
@operation({200: out.AppointmentDay}, query=AppointmentsQuery, errors=STAFF)
def list_appointments(site: str, query: AppointmentsQuery) -> ResponseReturnValue:
    """A local day's appointments by time, with check-in state (staff)."""
    return appointments.day_list(uow(), actor(), site, query.date)


@bp.post("/sites/<site>/appointments/import")
@operation({200: out.Imported}, csv_body=True, errors=STAFF)
def import_appointments(site: str) -> ResponseReturnValue:
    """Add or update bookings from the booking system's CSV (text/csv body, columns
    site,service,reference,scheduled_at,customer_name): all rows or none; a bad row is 422
    bad_csv naming its line."""
    if request.mimetype != "text/csv":
        raise Invalid("send the CSV file as the body with Content-Type: text/csv", code="bad_csv")
    try:
        text = request.get_data().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("the CSV must be UTF-8", code="bad_csv") from None
    return appointment_import.import_bookings(uow(), actor(), text, only_site=site)


@bp.post("/sites/<site>/appointments/<reference>/cancel")
@operation({200: out.Appointment}, errors=STAFF)
def cancel_appointment(site: str, reference: str) -> ResponseReturnValue:
    """Cancel a booking."""
    return appointments.cancel(uow(), actor(), site, reference)


@bp.post("/sites/<site>/notices")
@operation({201: out.Notice}, body=NoticeRequest, errors=STAFF)
def post_notice(site: str, body: NoticeRequest) -> ResponseReturnValue:
    """Post a delay notice to the screens."""
    answer = notices.post(uow(), actor(), site, body.message, body.estimated_wait_min)
    return answer, 201


@bp.delete("/sites/<site>/notices")
@operation({204: None}, errors=STAFF)
def clear_notice(site: str) -> ResponseReturnValue:
    """Clear the delay notice."""
    notices.clear(uow(), actor(), site)
    return "", 204


@bp.get("/sites/<site>/close-day")
@operation({200: out.SiteDay}, errors=STAFF)
def day_status(site: str) -> ResponseReturnValue:
    """What closing the day now would close."""
    return closing.day_status(uow(), actor(), site)


@bp.post("/sites/<site>/close-day")
@operation({200: out.ClosedDay}, body=Empty, body_optional=True, errors=STAFF)
def close_day(site: str) -> ResponseReturnValue:
    """Close the day: every visit still waiting or called becomes closed."""
    return closing.close_day(uow(), actor(), site)
