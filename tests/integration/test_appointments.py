"""Booking, checking in, and the appointment queue called by appointment time."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from queue_service.clock import ManualClock
from tests.conftest import desk_id


def _book(client: FlaskClient, clock: ManualClock, minutes_ahead: float) -> str:
    at = clock.now() + timedelta(minutes=minutes_ahead)
    response = client.post(
        "/api/v1/sites/bootle/appointments",
        json={"service": "CT", "scheduled_at": at.isoformat(), "customer_name": "Ada"},
    )
    assert response.status_code == 201, response.json
    return response.json["reference"]


def test_checked_in_appointment_is_called_at_its_time_before_earlier_walk_ins(
    reception: FlaskClient, adviser: FlaskClient, clock: ManualClock
) -> None:
    reference = _book(reception, clock, 20)
    walk_in = reception.post("/api/v1/sites/bootle/tickets", json={"service": "CT"}).json
    clock.advance(minutes=5)
    visit = reception.post("/api/v1/sites/bootle/check-in", json={"reference": reference})
    assert visit.status_code == 201
    assert visit.json["kind"] == "appointment"
    desk = desk_id(adviser, "Desk 1")
    adviser.post(f"/api/v1/desks/{desk}/open")
    # Early: the walk-in goes first while the appointment waits for its time.
    assert adviser.post(f"/api/v1/desks/{desk}/call-next").json["id"] == walk_in["id"]
    adviser.post(f"/api/v1/visits/{walk_in['id']}/start")
    adviser.post(f"/api/v1/visits/{walk_in['id']}/complete")
    assert adviser.post(f"/api/v1/desks/{desk}/call-next").status_code == 204
    clock.advance(minutes=14)  # within the 2-minute call window of its time
    assert adviser.post(f"/api/v1/desks/{desk}/call-next").json["id"] == visit.json["id"]


def test_check_in_twice_or_after_cancelling_is_refused(
    reception: FlaskClient, clock: ManualClock
) -> None:
    reference = _book(reception, clock, 10)
    assert (
        reception.post("/api/v1/sites/bootle/check-in", json={"reference": reference}).status_code
        == 201
    )
    again = reception.post("/api/v1/sites/bootle/check-in", json={"reference": reference})
    assert (again.status_code, again.json["error"]["code"]) == (409, "already_checked_in")
    other = _book(reception, clock, 30)
    assert reception.post(f"/api/v1/sites/bootle/appointments/{other}/cancel").status_code == 200
    cancelled = reception.post("/api/v1/sites/bootle/check-in", json={"reference": other})
    assert cancelled.status_code == 409
    unknown = reception.post("/api/v1/sites/bootle/check-in", json={"reference": "NOSUCH22"})
    assert unknown.status_code == 404


def test_appointment_for_another_day_cannot_check_in_today(
    reception: FlaskClient, clock: ManualClock
) -> None:
    reference = _book(reception, clock, 24 * 60)
    response = reception.post("/api/v1/sites/bootle/check-in", json={"reference": reference})
    assert (response.status_code, response.json["error"]["code"]) == (409, "not_today")
