"""The customer's "I've left" (POST /tickets/<token>/leave): the ticket's token is the only
authority; a waiting or called visit ends `left`, logged with the actor `customer`."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from queue_service.models import VisitEvent
from tests.conftest import desk_id, uow_for


def _last_event(app: Flask, visit_id: int) -> tuple[str, str, dict[str, str] | None]:
    with uow_for(app).reading() as session:
        event = session.scalars(
            select(VisitEvent).where(VisitEvent.visit_id == visit_id).order_by(VisitEvent.id.desc())
        ).first()
        assert event is not None
        return event.type, event.actor, event.data


def test_a_waiting_or_called_customer_may_leave_with_the_token_alone(
    app: Flask, adviser: FlaskClient
) -> None:
    waiting, called = (
        adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"}).json for _ in range(2)
    )
    desk = desk_id(adviser, "Desk 1")
    adviser.post(f"/api/v1/desks/{desk}/open")
    assert adviser.post(f"/api/v1/desks/{desk}/call-next").json["id"] == waiting["id"]
    anyone = app.test_client()

    for visit in (waiting, called):
        left = anyone.post(f"/api/v1/tickets/{visit['token']}/leave")

        assert left.status_code == 200, left.json
        assert (left.json["status"], left.json["number"]) == ("left", visit["number"])
        assert left.json["ended_at"] is not None
        assert "customer_name" not in left.json
        assert _last_event(app, visit["id"]) == ("cancel", "customer", {"reason": "left"})
    assert anyone.get(f"/api/v1/tickets/{called['token']}").json["status"] == "left"


def test_leaving_an_unknown_ticket_is_404_and_a_served_one_is_409(
    app: Flask, adviser: FlaskClient
) -> None:
    visit = adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"}).json
    desk = desk_id(adviser, "Desk 1")
    adviser.post(f"/api/v1/desks/{desk}/open")
    adviser.post(f"/api/v1/desks/{desk}/call-next")
    adviser.post(f"/api/v1/visits/{visit['id']}/start")
    anyone = app.test_client()

    unknown = anyone.post("/api/v1/tickets/no-such-token/leave")
    served = anyone.post(f"/api/v1/tickets/{visit['token']}/leave")
    adviser.post(f"/api/v1/visits/{visit['id']}/complete")
    done = anyone.post(f"/api/v1/tickets/{visit['token']}/leave")

    assert (unknown.status_code, unknown.json["error"]["code"]) == (404, "not_found")
    assert (served.status_code, served.json["error"]["code"]) == (409, "illegal_transition")
    assert done.status_code == 409
    assert anyone.get(f"/api/v1/tickets/{visit['token']}").json["status"] == "done"
