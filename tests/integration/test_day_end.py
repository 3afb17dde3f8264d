"""A site's day ends: unserved visits are closed at local midnight (or automatically after
closing time, or by reception), never carried into the next day (DESIGN §4)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from queue_service.clock import ManualClock
from queue_service.models import VisitEvent
from tests.conftest import desk_id, uow_for

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
