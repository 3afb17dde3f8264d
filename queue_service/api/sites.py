"""Sites and what happens at them: boards, queues, tickets, check-ins, bookings, notices."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from ..errors import Invalid
from ..services import appointment_import, appointments, closing, notices, snapshots, tickets
from . import limits
from .context import actor, idempotency_key, uow
from .validation import Form, query_date

bp = Blueprint("sites", __name__)

SERVICE_CODE = r"[A-Za-z0-9_-]{1,16}"
LANGUAGE = r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*"


@bp.get("/sites")
def list_sites() -> ResponseReturnValue:
    return jsonify(snapshots.list_sites(uow()))


@bp.get("/sites/<site>")
def show_site(site: str) -> ResponseReturnValue:
    return snapshots.site_detail(uow(), site)


@bp.get("/sites/<site>/board")
def board(site: str) -> ResponseReturnValue:
    return snapshots.board(uow(), actor(), site)


@bp.get("/sites/<site>/queue")
def queue(site: str) -> ResponseReturnValue:
    return snapshots.staff_queue(uow(), actor(), site)


@bp.post("/sites/<site>/tickets")
def issue_ticket(site: str) -> ResponseReturnValue:
    form = Form.from_request()
    request = tickets.TicketRequest(
        service=form.text("service", required=True, pattern=SERVICE_CODE) or "",
        priority=form.boolean("priority"),
        needs=form.text_list("needs"),
        language=form.text("language", max_length=16, pattern=LANGUAGE),
        customer_name=form.text("customer_name", max_length=120),
    )
    form.done()
    who = actor()
    limits.kiosk_request(who)
    body, replayed = tickets.issue_ticket(uow(), who, site, request, idempotency_key())
    return body, 201, {"Idempotent-Replayed": "true"} if replayed else {}


@bp.post("/sites/<site>/check-in")
def check_in(site: str) -> ResponseReturnValue:
    form = Form.from_request()
    reference = form.text("reference", required=True, max_length=16, pattern=r"[A-Za-z0-9]+")
    form.done()
    assert reference is not None
    who = actor()
    limits.kiosk_request(who)
    return tickets.check_in(uow(), who, site, reference), 201


@bp.post("/sites/<site>/appointments")
def book_appointment(site: str) -> ResponseReturnValue:
    form = Form.from_request()
    service = form.text("service", required=True, pattern=SERVICE_CODE)
    scheduled_at = form.instant("scheduled_at", required=True)
    customer_name = form.text("customer_name", max_length=120)
    form.done()
    assert service is not None and scheduled_at is not None
    body = appointments.book(uow(), actor(), site, service, scheduled_at, customer_name)
    return body, 201


@bp.get("/sites/<site>/appointments")
def list_appointments(site: str) -> ResponseReturnValue:
    """A local day's appointments (`?date=YYYY-MM-DD`, today by default) with check-in state."""
    return appointments.day_list(uow(), actor(), site, query_date("date"))


@bp.post("/sites/<site>/appointments/import")
def import_appointments(site: str) -> ResponseReturnValue:
    """The booking system's CSV as the body (`text/csv`): all rows or none."""
    if request.mimetype != "text/csv":
        raise Invalid("send the CSV file as the body with Content-Type: text/csv", code="bad_csv")
    try:
        text = request.get_data().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("the CSV must be UTF-8", code="bad_csv") from None
    return appointment_import.import_bookings(uow(), actor(), text, only_site=site)


@bp.post("/sites/<site>/appointments/<reference>/cancel")
def cancel_appointment(site: str, reference: str) -> ResponseReturnValue:
    return appointments.cancel(uow(), actor(), site, reference)


@bp.post("/sites/<site>/notices")
def post_notice(site: str) -> ResponseReturnValue:
    form = Form.from_request()
    message = form.text("message", required=True, max_length=500)
    wait = form.integer("estimated_wait_min", maximum=24 * 60)
    form.done()
    assert message is not None
    return notices.post(uow(), actor(), site, message, wait), 201


@bp.delete("/sites/<site>/notices")
def clear_notice(site: str) -> ResponseReturnValue:
    notices.clear(uow(), actor(), site)
    return "", 204


@bp.get("/sites/<site>/close-day")
def day_status(site: str) -> ResponseReturnValue:
    return closing.day_status(uow(), actor(), site)


@bp.post("/sites/<site>/close-day")
def close_day(site: str) -> ResponseReturnValue:
    Form.from_request(optional=True).done()
    return closing.close_day(uow(), actor(), site)
