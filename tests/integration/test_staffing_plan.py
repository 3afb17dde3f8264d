"""The staffing planner over HTTP: history of past Tuesdays in, desks per hour out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from queue_service.clock import ManualClock
from queue_service.rules.permissions import SYSTEM
from queue_service.services import desks, tickets, visits
from queue_service.services.planner import Planner
from tests.conftest import TUESDAY_MORNING, signed_in, uow_for


def _busy_morning(app: Flask, clock: ManualClock) -> None:
    """Last Tuesday 09:00-10:00 (GMT): twelve Council Tax visits, served one desk at a time."""
    uow = uow_for(app)
    clock.set(TUESDAY_MORNING - timedelta(days=7, hours=1, minutes=30))
    desk = 1
    desks.open_desk(uow, SYSTEM, desk)
    for _ in range(12):
        tickets.issue_ticket(uow, SYSTEM, "bootle", tickets.TicketRequest(service="CT"))
        clock.advance(minutes=5)
    for _ in range(12):
        called, _ = desks.call_next(uow, SYSTEM, desk)
        assert called is not None
        visits.start(uow, SYSTEM, called["id"])
        clock.advance(minutes=8)
        visits.complete(uow, SYSTEM, called["id"])
    clock.set(TUESDAY_MORNING)


def test_the_plan_puts_desks_where_the_arrivals_were_and_checks_them(
    app: Flask, clock: ManualClock
) -> None:
    _busy_morning(app, clock)
    manager = signed_in(app, "bootle-manager")
    response = manager.get("/api/v1/reports/staffing?site=bootle&weekday=tue")
    assert response.status_code == 200, response.json
    plan = response.json
    assert plan["days"] == 1 and plan["mean_service_s"] == 480
    hours = {h["hour"]: h for h in plan["hours"]}
    nine = hours["09:00"]
    assert nine["arrivals_per_day"] == 12 and nine["erlang_c_desks"] >= 2
    assert nine["desks"] >= nine["erlang_c_desks"]
    assert nine["simulated_within_target"] >= 0.9
    assert hours["15:00"]["desks"] == 0 and hours["15:00"]["simulated_within_target"] is None


def test_the_plan_is_for_managers_and_needs_a_weekday(app: Flask, adviser: FlaskClient) -> None:
    assert adviser.get("/api/v1/reports/staffing?site=bootle&weekday=tue").status_code == 403
    manager = signed_in(app, "bootle-manager")
    bad = manager.get("/api/v1/reports/staffing?site=bootle&weekday=someday")
    assert bad.status_code == 422 and bad.json["error"]["fields"] == {"weekday": "unknown"}
    missing = manager.get("/api/v1/reports/staffing?site=bootle")
    assert missing.status_code == 422 and missing.json["error"]["fields"] == {"weekday": "required"}
    nul = manager.get("/api/v1/reports/staffing?site=boo%00tle&weekday=tue")
    assert nul.status_code == 422 and "site" in nul.json["error"]["fields"]
    assert manager.get("/api/v1/reports/staffing?site=nowhere&weekday=tue").status_code == 404


def test_the_plan_shows_the_rotas_desks_beside_each_hour(app: Flask) -> None:
    manager = signed_in(app, "bootle-manager")
    week = [
        {"desk": "Desk 1", "weekday": "tue", "from": "09:00", "to": "17:00"},
        {"desk": "Desk 2", "weekday": "tue", "from": "09:30", "to": "12:00"},
        {"desk": "Desk 3", "weekday": "wed", "from": "09:00", "to": "17:00"},
    ]
    assert manager.put("/api/v1/sites/bootle/rota", json={"shifts": week}).status_code == 200
    plan = manager.get("/api/v1/reports/staffing?site=bootle&weekday=tue").json
    rota = {h["hour"]: h["rota_desks"] for h in plan["hours"]}
    assert rota["09:00"] == 1.5 and rota["11:00"] == 2 and rota["12:00"] == 1


def test_a_second_look_is_remembered_with_the_rota_of_the_moment(
    app: Flask, clock: ManualClock
) -> None:
    _busy_morning(app, clock)
    manager = signed_in(app, "bootle-manager")
    url = "/api/v1/reports/staffing?site=bootle&weekday=tue"
    first = manager.get(url).json
    week = [{"desk": "Desk 1", "weekday": "tue", "from": "09:00", "to": "17:00"}]
    assert manager.put("/api/v1/sites/bootle/rota", json={"shifts": week}).status_code == 200
    second = manager.get(url).json

    planner = app.extensions["queue_planner"]
    assert planner.runs == 1
    assert {h["hour"]: h["rota_desks"] for h in second["hours"]}["09:00"] == 1
    without_rota = [{k: v for k, v in h.items() if k != "rota_desks"} for h in second["hours"]]
    assert without_rota == [
        {k: v for k, v in h.items() if k != "rota_desks"} for h in first["hours"]
    ]
    assert {**second, "hours": []} == {**first, "hours": []}


def test_a_new_past_day_is_planned_afresh(app: Flask, clock: ManualClock) -> None:
    _busy_morning(app, clock)
    manager = signed_in(app, "bootle-manager")
    url = "/api/v1/reports/staffing?site=bootle&weekday=tue"
    assert manager.get(url).json["days"] == 1
    tickets.issue_ticket(uow_for(app), SYSTEM, "bootle", tickets.TicketRequest(service="CT"))
    clock.advance(days=7)
    assert manager.get(url).json["days"] == 2
    assert app.extensions["queue_planner"].runs == 2


def test_a_planner_that_fails_answers_503_in_the_error_shape_and_is_logged(
    app: Flask, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    _busy_morning(app, clock)
    # No child process starts, let alone simulates, within a millisecond.
    app.extensions["queue_planner"] = Planner(timeout_s=0.001)
    manager = signed_in(app, "bootle-manager")
    response = manager.get("/api/v1/reports/staffing?site=bootle&weekday=tue")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "planner_unavailable"
    assert "staffing plan of bootle on tue took longer than 0.001 s" in caplog.text
    page = manager.get("/staff/bootle/staffing?weekday=tue")
    assert page.status_code == 503 and "planner is unavailable" in page.get_data(as_text=True)
