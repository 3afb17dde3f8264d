"""What the staff app needs from the API: CSRF tokens and idle sign-out for the session
cookie, triage, the day's appointments, out-of-order calls and transfers with their reasons
in the event log, and bookings uploaded as CSV."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from queue_service.clock import ManualClock
from queue_service.models import Appointment, VisitEvent
from tests.conftest import PASSWORD, desk_id, signed_in, uow_for

API = "/api/v1"
BOOKINGS = (
    "site,service,reference,scheduled_at,customer_name\n"
    "bootle,CT,IMP001,2026-03-31T11:00:00,Ann Example\n"
    "bootle,BEN,IMP002,2026-03-31T11:30:00+01:00,\n"
)


def _log(app: Flask, visit_id: int) -> list[tuple[str, dict[str, Any]]]:
    with uow_for(app).reading() as session:
        rows = session.scalars(
            select(VisitEvent).where(VisitEvent.visit_id == visit_id).order_by(VisitEvent.id)
        )
        return [(row.type, row.data) for row in rows]


def _ticket(client: FlaskClient, service: str = "CT") -> dict[str, Any]:
    response = client.post(f"{API}/sites/bootle/tickets", json={"service": service})
    assert response.status_code == 201, response.json
    return response.json


def test_login_and_me_hand_out_the_sessions_csrf_token(client: FlaskClient) -> None:
    login = client.post(
        f"{API}/auth/login", json={"username": "bootle-reception", "password": PASSWORD}
    )
    token = login.json["csrf_token"]
    assert len(token) > 20
    assert client.get(f"{API}/auth/me").json["csrf_token"] == token


def test_a_signed_in_change_without_the_csrf_token_is_refused(client: FlaskClient) -> None:
    login = client.post(
        f"{API}/auth/login", json={"username": "bootle-adviser", "password": PASSWORD}
    )
    refused = client.post(f"{API}/sites/bootle/tickets", json={"service": "CT"})
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "csrf_failed")
    wrong = client.post(
        f"{API}/sites/bootle/tickets", json={"service": "CT"}, headers={"X-CSRF-Token": "x"}
    )
    assert wrong.status_code == 403
    assert client.get(f"{API}/sites/bootle/queue").status_code == 200
    sent = client.post(
        f"{API}/sites/bootle/tickets",
        json={"service": "CT"},
        headers={"X-CSRF-Token": login.json["csrf_token"]},
    )
    assert sent.status_code == 201


@pytest.mark.parametrize(
    ("device", "action", "status"),
    [("kiosk_token", "ticket", 201), ("display_token", "triage", 403)],
)
def test_a_device_token_needs_no_csrf_token_and_keeps_to_its_role(
    request: pytest.FixtureRequest,
    client: FlaskClient,
    reception: FlaskClient,
    device: str,
    action: str,
    status: int,
) -> None:
    """A kiosk issues a ticket without any CSRF token; a display may not triage (its role,
    not a missing token, is what refuses it)."""
    path, body = (
        (f"{API}/sites/bootle/tickets", {"service": "CT"})
        if action == "ticket"
        else (f"{API}/visits/{_ticket(reception)['id']}/triage", {"note": "x"})
    )
    token = request.getfixturevalue(device)
    response = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == status
    if status == 403:
        assert response.json["error"]["code"] == "forbidden"


def test_a_session_left_idle_ends_and_one_in_use_goes_on(
    app: Flask, reception: FlaskClient, clock: ManualClock
) -> None:
    idle = app.config["STAFF_IDLE_MIN"]
    clock.advance(minutes=idle - 1)
    assert reception.get(f"{API}/sites/bootle/queue").status_code == 200
    clock.advance(minutes=idle - 1)
    assert reception.get(f"{API}/sites/bootle/queue").status_code == 200
    clock.advance(minutes=idle + 1)
    ended = reception.get(f"{API}/sites/bootle/queue")
    assert (ended.status_code, ended.json["error"]["code"]) == (401, "idle_timeout")
    assert reception.get(f"{API}/auth/me").status_code == 401


def test_a_session_in_use_is_re_signed_once_a_minute_not_on_every_request(
    reception: FlaskClient, clock: ManualClock
) -> None:
    """Rewriting "last used" on every request re-signed and re-sent the cookie each time."""
    clock.advance(minutes=2)
    assert "Set-Cookie" in reception.get(f"{API}/sites/bootle/queue").headers
    clock.advance(seconds=30)
    assert "Set-Cookie" not in reception.get(f"{API}/sites/bootle/queue").headers
    clock.advance(seconds=30)
    assert "Set-Cookie" in reception.get(f"{API}/sites/bootle/queue").headers


def test_triage_adds_a_note_sets_needs_and_priority_and_logs_what_changed(
    app: Flask, reception: FlaskClient
) -> None:
    visit = _ticket(reception)
    triaged = reception.post(
        f"{API}/visits/{visit['id']}/triage",
        json={"note": "bring the bill", "needs": ["wheelchair"], "priority": True},
    )
    assert triaged.status_code == 200, triaged.json
    assert (triaged.json["notes"], triaged.json["needs"], triaged.json["priority"]) == (
        "bring the bill",
        ["wheelchair"],
        True,
    )
    again = reception.post(f"{API}/visits/{visit['id']}/triage", json={"note": "has a letter"})
    assert again.json["notes"] == "bring the bill\nhas a letter"
    assert again.json["needs"] == ["wheelchair"]
    assert _log(app, visit["id"])[1:] == [
        ("triage", {"note": "bring the bill", "needs": ["wheelchair"], "priority": True}),
        ("triage", {"note": "has a letter"}),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, None), ({"needs": "wheelchair"}, "needs"), ({"priority": "yes"}, "priority")],
)
def test_triage_refuses_nothing_or_bad_fields(
    reception: FlaskClient, body: dict[str, Any], field: str | None
) -> None:
    visit = _ticket(reception)
    response = reception.post(f"{API}/visits/{visit['id']}/triage", json=body)
    assert response.status_code == 422
    if field:
        assert field in response.json["error"]["fields"]


def test_out_of_order_call_and_transfer_keep_their_reason_and_note_in_the_log(
    app: Flask, adviser: FlaskClient
) -> None:
    desk = desk_id(adviser, "Desk 1")
    adviser.post(f"{API}/desks/{desk}/open")
    _ticket(adviser)
    second = _ticket(adviser)
    called = adviser.post(
        f"{API}/visits/{second['id']}/call", json={"desk": desk, "reason": "interpreter here"}
    )
    assert called.status_code == 200, called.json
    adviser.post(f"{API}/visits/{second['id']}/start")
    moved = adviser.post(
        f"{API}/visits/{second['id']}/transfer", json={"service": "BEN", "note": "needs HB form"}
    )
    assert (moved.json["status"], moved.json["notes"]) == ("waiting", "needs HB form")
    log = _log(app, second["id"])
    assert log[1] == ("call", {"desk": "Desk 1", "reason": "interpreter here"})
    assert log[-1] == ("transfer", {"from": "CT", "to": "BEN", "note": "needs HB form"})


def test_the_days_appointments_come_by_time_with_their_check_in_state(
    reception: FlaskClient, clock: ManualClock
) -> None:
    later = clock.now().replace(hour=15).isoformat()
    sooner = clock.now().replace(hour=14).isoformat()
    tomorrow = clock.now().replace(day=clock.now().day + 1).isoformat()
    refs = [
        reception.post(
            f"{API}/sites/bootle/appointments", json={"service": "CT", "scheduled_at": at}
        ).json["reference"]
        for at in (later, sooner, tomorrow)
    ]
    checked = reception.post(f"{API}/sites/bootle/check-in", json={"reference": refs[1]})
    assert checked.status_code == 201
    today = reception.get(f"{API}/sites/bootle/appointments").json
    assert [a["reference"] for a in today["appointments"]] == [refs[1], refs[0]]
    first = today["appointments"][0]
    assert (first["status"], first["number"], first["visit_status"]) == (
        "checked_in",
        checked.json["number"],
        "waiting",
    )
    assert today["appointments"][1]["visit_id"] is None
    next_day = reception.get(f"{API}/sites/bootle/appointments?date={tomorrow[:10]}").json
    assert [a["reference"] for a in next_day["appointments"]] == [refs[2]]


@pytest.mark.parametrize("query", ["date=tomorrow", "date=2026-13-01"])
def test_a_bad_appointment_date_is_422(reception: FlaskClient, query: str) -> None:
    assert reception.get(f"{API}/sites/bootle/appointments?{query}").status_code == 422


def test_the_appointment_list_is_for_staff_of_the_site(client: FlaskClient, app: Flask) -> None:
    assert client.get(f"{API}/sites/bootle/appointments").status_code == 401


def _upload(client: FlaskClient, text: str, site: str = "bootle") -> Any:
    return client.post(
        f"{API}/sites/{site}/appointments/import",
        data=text.encode(),
        headers={"Content-Type": "text/csv"},
    )


def test_uploaded_bookings_are_imported_once(app: Flask, reception: FlaskClient) -> None:
    first = _upload(reception, BOOKINGS)
    assert first.status_code == 200, first.json
    assert first.json == {"added": 2, "updated": 0, "unchanged": 0}
    assert _upload(reception, BOOKINGS).json == {"added": 0, "updated": 0, "unchanged": 2}
    moved = _upload(reception, BOOKINGS.replace("T11:00:00,", "T12:00:00,"))
    assert moved.json == {"added": 0, "updated": 1, "unchanged": 1}
    with uow_for(app).reading() as session:
        imported = session.scalars(
            select(Appointment).where(Appointment.reference == "IMP001")
        ).one()
        # No offset in the file: the site's wall clock, 12:00 BST (after the clock change).
        assert imported.scheduled_at.isoformat() == "2026-03-31T11:00:00+00:00"
        assert imported.customer_name == "Ann Example"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("site,service\nbootle,CT\n", 1),
        (BOOKINGS + "bootle,XX,IMP003,2026-03-31T12:00:00,\n", 4),
        (BOOKINGS + "bootle,CT,IMP004,tomorrow,\n", 4),
        (BOOKINGS + "bootle,CT,IMP001,2026-03-31T12:00:00,\n", 4),
        (BOOKINGS + "southport,CT,IMP005,2026-03-31T12:00:00,\n", 4),
        (BOOKINGS + "bootle,CT,IMP 6,2026-03-31T12:00:00,\n", 4),
    ],
)
def test_a_bad_row_names_its_line_and_nothing_is_imported(
    app: Flask, reception: FlaskClient, text: str, line: int
) -> None:
    response = _upload(reception, text)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "bad_csv"
    assert response.json["error"]["fields"] == {"line": str(line)}
    assert response.json["error"]["message"].startswith(f"line {line}: ")
    with uow_for(app).reading() as session:
        assert session.scalars(select(Appointment)).all() == []


def test_an_upload_must_be_csv(reception: FlaskClient) -> None:
    response = reception.post(f"{API}/sites/bootle/appointments/import", json={"x": 1})
    assert (response.status_code, response.json["error"]["code"]) == (422, "bad_csv")


def test_an_adviser_of_another_site_cannot_upload(app: Flask) -> None:
    response = _upload(signed_in(app, "southport-adviser"), BOOKINGS)
    assert response.status_code == 403
