"""A site's day ends: unserved visits are closed at local midnight (or automatically after
closing time, or by reception), never carried into the next day (DESIGN §4)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from queue_service.clock import ManualClock
from queue_service.errors import Invalid
from queue_service.events import VisitChanged
from queue_service.models import VisitEvent
from queue_service.services import closing, site_config
from tests.conftest import RecordingPublisher, demo_document, desk_id, signed_in, uow_for

API = "/api/v1"
# Tuesday 24 and Wednesday 25 November 2026 are GMT: local time is UTC.
TUESDAY_1650 = datetime(2026, 11, 24, 16, 50, tzinfo=UTC)
WEDNESDAY_MIDNIGHT = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
WEDNESDAY_1000 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def kiosk_ticket(client: FlaskClient, token: str, service: str = "CT") -> dict[str, Any]:
    response = client.post(
        f"{API}/sites/bootle/tickets",
        json={"service": service},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.json
    return response.json


def events(app: Flask, visit_id: int) -> list[tuple[str, str, datetime]]:
    with uow_for(app).reading() as session:
        rows = session.execute(
            select(VisitEvent.type, VisitEvent.actor, VisitEvent.at)
            .where(VisitEvent.visit_id == visit_id)
            .order_by(VisitEvent.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_yesterdays_unserved_tickets_are_closed_and_todays_c001_is_called(
    app: Flask, client: FlaskClient, adviser: FlaskClient, kiosk_token: str, clock: ManualClock
) -> None:
    clock.set(TUESDAY_1650)
    tuesday = [kiosk_ticket(client, kiosk_token) for _ in range(2)]
    assert [t["number"] for t in tuesday] == ["C001", "C002"]

    clock.set(WEDNESDAY_1000)
    today = kiosk_ticket(client, kiosk_token)
    assert (today["number"], today["position"]) == ("C001", 1)
    queue = adviser.get(f"{API}/sites/bootle/queue").json
    assert [(v["number"], v["id"]) for v in queue["walk_ins"]] == [("C001", today["id"])]
    assert [v["id"] for v in queue["not_greeted"]] == [today["id"]]
    board = client.get(f"{API}/sites/bootle/board").json
    assert {s["code"]: s["waiting"] for s in board["services"]}["CT"] == 1

    desk = desk_id(adviser, "Desk 1")
    adviser.post(f"{API}/desks/{desk}/open")
    called = adviser.post(f"{API}/desks/{desk}/call-next")
    assert called.status_code == 200
    assert (called.json["id"], called.json["number"]) == (today["id"], "C001")

    for ticket in tuesday:
        status = client.get(f"{API}/tickets/{ticket['token']}").json
        assert status["status"] == "closed"
        assert status["ended_at"] == WEDNESDAY_MIDNIGHT.isoformat()
        logged = events(app, ticket["id"])
        assert [e[0] for e in logged] == ["arrive", "close"]
        assert logged[-1] == ("close", "system", WEDNESDAY_MIDNIGHT)


def test_a_new_day_starts_with_an_empty_queue_before_anyone_writes(
    client: FlaskClient, adviser: FlaskClient, kiosk_token: str, clock: ManualClock
) -> None:
    clock.set(TUESDAY_1650)
    kiosk_ticket(client, kiosk_token)
    kiosk_ticket(client, kiosk_token)
    desk = desk_id(adviser, "Desk 1")
    adviser.post(f"{API}/desks/{desk}/open")
    assert adviser.post(f"{API}/desks/{desk}/call-next").status_code == 200

    clock.set(WEDNESDAY_1000)
    queue = adviser.get(f"{API}/sites/bootle/queue").json
    assert (queue["walk_ins"], queue["appointments"], queue["not_greeted"]) == ([], [], [])
    assert [d["current"] for d in queue["desks"]] == [None] * len(queue["desks"])
    board = client.get(f"{API}/sites/bootle/board").json
    assert all(s["waiting"] == 0 for s in board["services"])
    assert (board["calling"], board["recent"]) == ([], [])


def visit_status(client: FlaskClient, ticket: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"{API}/tickets/{ticket['token']}")
    assert response.status_code == 200
    return response.json


def staff_ticket(client: FlaskClient, service: str = "CT") -> dict[str, Any]:
    response = client.post(f"{API}/sites/bootle/tickets", json={"service": service})
    assert response.status_code == 201, response.json
    return response.json


# (a visit's arrival at 23:30 local, the last minute of that local day, the local midnight) in
# UTC. Closing at UTC midnight instead would leave each visit an hour too long or too short.
CLOCK_CHANGE_DAYS = {
    # Sunday 29 March 2026 (23 hours): clocks went forward, so 23:30 is BST.
    "2026-03-29": (
        datetime(2026, 3, 29, 22, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 22, 59, 59, tzinfo=UTC),
        datetime(2026, 3, 29, 23, 0, tzinfo=UTC),
    ),
    # Saturday 24 October, still BST: its midnight begins the 25-hour day.
    "2026-10-24": (
        datetime(2026, 10, 24, 22, 30, tzinfo=UTC),
        datetime(2026, 10, 24, 22, 59, 59, tzinfo=UTC),
        datetime(2026, 10, 24, 23, 0, tzinfo=UTC),
    ),
    # Sunday 25 October 2026 (25 hours): clocks went back, so 23:30 is GMT.
    "2026-10-25": (
        datetime(2026, 10, 25, 23, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 10, 26, 0, 0, tzinfo=UTC),
    ),
}


@pytest.mark.parametrize("day", CLOCK_CHANGE_DAYS)
def test_a_visit_from_2330_is_closed_at_local_midnight_on_clock_change_days(
    day: str, app: Flask, client: FlaskClient, adviser: FlaskClient, clock: ManualClock
) -> None:
    arrival, last_second, midnight = CLOCK_CHANGE_DAYS[day]
    clock.set(arrival)
    ticket = staff_ticket(adviser)
    clock.set(last_second)
    closing.close_due(uow_for(app))
    assert visit_status(client, ticket)["status"] == "waiting"
    assert [v["id"] for v in adviser.get(f"{API}/sites/bootle/queue").json["walk_ins"]] == [
        ticket["id"]
    ]

    clock.set(midnight)
    assert adviser.get(f"{API}/sites/bootle/queue").json["walk_ins"] == []
    closing.close_due(uow_for(app))
    closed = visit_status(client, ticket)
    assert (closed["status"], closed["ended_at"]) == ("closed", midnight.isoformat())


def _load_bootle(app: Flask, **settings: Any) -> None:
    document = demo_document()
    document["site"][0].update(settings)
    site_config.load_sites(uow_for(app), document)


def test_a_site_may_close_its_day_automatically_after_closing_time(
    app: Flask, client: FlaskClient, adviser: FlaskClient, clock: ManualClock
) -> None:
    _load_bootle(app, auto_close_after_min=30)  # Tuesdays close at 17:00: the day ends 17:30
    clock.set(TUESDAY_1650)
    waiting, called, serving = (staff_ticket(adviser) for _ in range(3))
    desks = [desk_id(adviser, name) for name in ("Desk 1", "Desk 2")]
    for desk in desks:
        adviser.post(f"{API}/desks/{desk}/open")
    adviser.post(f"{API}/visits/{serving['id']}/call", json={"desk": desks[0]})
    adviser.post(f"{API}/visits/{serving['id']}/start")
    adviser.post(f"{API}/visits/{called['id']}/call", json={"desk": desks[1]})
    day = adviser.get(f"{API}/sites/bootle/close-day").json
    assert day == {
        "site": "bootle",
        "waiting": 1,
        "called": 1,
        "ends_at": datetime(2026, 11, 24, 17, 30, tzinfo=UTC).isoformat(),
        "auto_close_after_min": 30,
    }

    clock.set(datetime(2026, 11, 24, 17, 29, 59, tzinfo=UTC))
    closing.close_due(uow_for(app))
    assert visit_status(client, waiting)["status"] == "waiting"
    clock.set(datetime(2026, 11, 24, 17, 30, 1, tzinfo=UTC))
    closing.close_due(uow_for(app))
    assert [visit_status(client, t)["status"] for t in (waiting, called, serving)] == [
        "closed",
        "closed",
        "serving",
    ]
    # A ticket staff issue after the automatic close waits for the next day-end: midnight.
    late = staff_ticket(adviser)
    assert late["number"] == "C004"
    clock.set(datetime(2026, 11, 24, 23, 59, tzinfo=UTC))
    closing.close_due(uow_for(app))
    assert visit_status(client, late)["status"] == "waiting"
    assert adviser.get(f"{API}/sites/bootle/close-day").json["ends_at"] == (
        WEDNESDAY_MIDNIGHT.isoformat()
    )


def test_without_the_setting_a_day_ends_at_midnight_not_at_closing_time(
    app: Flask, client: FlaskClient, adviser: FlaskClient, clock: ManualClock
) -> None:
    clock.set(TUESDAY_1650)
    ticket = staff_ticket(adviser)
    clock.set(datetime(2026, 11, 24, 23, 59, tzinfo=UTC))
    closing.close_due(uow_for(app))
    assert visit_status(client, ticket)["status"] == "waiting"
    assert adviser.get(f"{API}/sites/bootle/close-day").json["auto_close_after_min"] is None


@pytest.mark.parametrize("minutes", [-1, 1441, "30", True])
def test_auto_close_after_min_must_be_whole_minutes_within_a_day(app: Flask, minutes: Any) -> None:
    with pytest.raises(Invalid, match="auto_close_after_min"):
        _load_bootle(app, auto_close_after_min=minutes)


def test_a_server_down_at_midnight_closes_the_leftovers_in_the_next_write_at_the_site(
    app: Flask,
    client: FlaskClient,
    adviser: FlaskClient,
    clock: ManualClock,
    publisher: RecordingPublisher,
) -> None:
    clock.set(TUESDAY_1650)
    tuesday = [staff_ticket(adviser) for _ in range(2)]
    southport = adviser_at_southport(app)
    other_site = southport.post(f"{API}/sites/southport/tickets", json={"service": "CT"}).json
    clock.set(datetime(2026, 11, 25, 8, 45, tzinfo=UTC))
    version = client.get(f"{API}/sites/bootle/board").json["version"]
    publisher.events.clear()

    desk = desk_id(adviser, "Desk 1")
    assert adviser.post(f"{API}/desks/{desk}/open").status_code == 200
    assert [visit_status(client, t)["status"] for t in tuesday] == ["closed", "closed"]
    # The closing and the opening are two changes; the screens hear of every closed ticket.
    assert client.get(f"{API}/sites/bootle/board").json["version"] == version + 2
    changed = {e.token for e in publisher.events if isinstance(e, VisitChanged)}
    assert changed == {t["token"] for t in tuesday}
    # Another site's leftovers wait for a write there (or the serving process's closing).
    assert visit_status(client, other_site)["status"] == "waiting"
    closing.close_due(uow_for(app))
    assert visit_status(client, other_site)["status"] == "closed"
    # Every serving process runs the closing: a second pass finds nothing and changes nothing.
    version = client.get(f"{API}/sites/southport/board").json["version"]
    closing.close_due(uow_for(app))
    assert client.get(f"{API}/sites/southport/board").json["version"] == version
    assert [e[0] for e in events(app, other_site["id"])] == ["arrive", "close"]


def adviser_at_southport(app: Flask) -> FlaskClient:
    return signed_in(app, "southport-adviser")


def test_a_visit_being_served_at_midnight_is_left_to_finish_the_next_morning(
    app: Flask, client: FlaskClient, adviser: FlaskClient, clock: ManualClock
) -> None:
    clock.set(TUESDAY_1650)
    ticket = staff_ticket(adviser)
    desk = desk_id(adviser, "Desk 1")
    adviser.post(f"{API}/desks/{desk}/open")
    adviser.post(f"{API}/desks/{desk}/call-next")
    adviser.post(f"{API}/visits/{ticket['id']}/start")

    clock.set(datetime(2026, 11, 25, 9, 5, tzinfo=UTC))
    closing.close_due(uow_for(app))
    staff = adviser.get(f"{API}/sites/bootle/queue").json
    at_desk = next(d for d in staff["desks"] if d["id"] == desk)
    assert (at_desk["current"]["id"], at_desk["current"]["status"]) == (ticket["id"], "serving")
    # The lobby does not show yesterday's C001 beside today's.
    assert client.get(f"{API}/sites/bootle/board").json["calling"] == []
    moved = adviser.post(f"{API}/visits/{ticket['id']}/transfer", json={"service": "HOU"})
    assert (moved.status_code, moved.json["error"]["code"]) == (409, "day_ended")
    done = adviser.post(f"{API}/visits/{ticket['id']}/complete")
    assert done.status_code == 200
    assert (done.json["status"], done.json["completed_at"]) == ("done", clock.now().isoformat())
    assert adviser.post(f"{API}/desks/{desk}/call-next").status_code == 204


def test_reception_closes_the_day_by_hand_and_serving_visits_carry_on(
    app: Flask,
    client: FlaskClient,
    adviser: FlaskClient,
    reception: FlaskClient,
    clock: ManualClock,
) -> None:
    clock.set(TUESDAY_1650)
    tickets = [staff_ticket(reception) for _ in range(3)]
    desk = desk_id(adviser, "Desk 1")
    adviser.post(f"{API}/desks/{desk}/open")
    adviser.post(f"{API}/desks/{desk}/call-next")
    adviser.post(f"{API}/visits/{tickets[0]['id']}/start")
    adviser.post(f"{API}/desks/{desk}/call-next")  # desk busy: nothing called
    clock.set(datetime(2026, 11, 24, 17, 5, tzinfo=UTC))
    assert reception.get(f"{API}/sites/bootle/close-day").json["waiting"] == 2
    assert reception.get(f"{API}/sites/bootle/queue").json["day"]["waiting"] == 2

    closed = reception.post(f"{API}/sites/bootle/close-day")
    assert closed.status_code == 200
    assert closed.json["closed"] == 2
    assert [visit_status(client, t)["status"] for t in tickets] == ["serving", "closed", "closed"]
    assert visit_status(client, tickets[1])["ended_at"] == clock.now().isoformat()
    logged = events(app, tickets[1]["id"])[-1]
    assert logged[0] == "close" and logged[1].startswith("user:")
    assert reception.get(f"{API}/sites/bootle/queue").json["walk_ins"] == []
    again = reception.post(f"{API}/sites/bootle/close-day")
    assert again.json["closed"] == 0
    assert again.json["version"] == closed.json["version"]


def test_only_staff_of_the_site_may_close_its_day(
    app: Flask, client: FlaskClient, kiosk_token: str
) -> None:
    bearer = {"Authorization": f"Bearer {kiosk_token}"}
    assert client.post(f"{API}/sites/bootle/close-day").status_code == 401
    assert client.get(f"{API}/sites/bootle/close-day").status_code == 401
    assert client.post(f"{API}/sites/bootle/close-day", headers=bearer).status_code == 403
    other = adviser_at_southport(app)
    assert other.post(f"{API}/sites/bootle/close-day").status_code == 403
    assert other.post(f"{API}/sites/nowhere/close-day").status_code == 404
    refused = other.post(f"{API}/sites/southport/close-day", json={"dry_run": True})
    assert refused.status_code == 422
