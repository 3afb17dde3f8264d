"""The whole visit lifecycle over HTTP: timestamps, the event log, and refused transitions."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from queue_service.clock import ManualClock
from queue_service.models import Visit, VisitEvent
from tests.conftest import RecordingPublisher, desk_id, uow_for


def _events(app: Flask, visit_id: int) -> list[str]:
    with uow_for(app).reading() as session:
        rows = session.scalars(
            select(VisitEvent.type).where(VisitEvent.visit_id == visit_id).order_by(VisitEvent.id)
        )
        return list(rows)


def test_walk_in_goes_through_every_step_with_each_time_and_one_log_row_per_step(
    app: Flask, adviser: FlaskClient, clock: ManualClock
) -> None:
    desk = desk_id(adviser, "Desk 1")
    arrived = clock.now()
    ticket = adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"})
    assert ticket.status_code == 201
    visit = ticket.json
    assert visit["number"] == "C001"
    assert visit["status"] == "waiting"
    assert visit["arrived_at"] == arrived.isoformat()
    assert visit["estimated_wait_s"] is not None
    vid = visit["id"]

    greeted = clock.advance(seconds=50)
    assert adviser.post(f"/api/v1/visits/{vid}/greet").json["greeted_at"] == greeted.isoformat()
    assert adviser.post(f"/api/v1/desks/{desk}/open").status_code == 200
    called = clock.advance(minutes=5)
    call = adviser.post(f"/api/v1/desks/{desk}/call-next")
    assert call.status_code == 200
    assert call.json["id"] == vid
    assert call.json["status"] == "called"
    assert call.json["desk"] == "Desk 1"
    assert call.json["called_at"] == called.isoformat()
    recalled = clock.advance(seconds=40)
    assert adviser.post(f"/api/v1/visits/{vid}/recall").json["called_at"] == recalled.isoformat()
    started = clock.advance(seconds=30)
    start = adviser.post(f"/api/v1/visits/{vid}/start").json
    assert (start["status"], start["service_started_at"]) == ("serving", started.isoformat())
    done = clock.advance(minutes=8)
    end = adviser.post(f"/api/v1/visits/{vid}/complete").json
    assert end["status"] == "done"
    assert end["completed_at"] == end["ended_at"] == done.isoformat()
    assert end["greeted_at"] == greeted.isoformat()
    assert end["arrived_at"] == arrived.isoformat()

    assert _events(app, vid) == ["arrive", "greet", "call", "recall", "start", "complete"]


def test_transfer_keeps_arrival_and_number_and_first_start(
    app: Flask, adviser: FlaskClient, clock: ManualClock
) -> None:
    desk = desk_id(adviser, "Desk 1")
    adviser.post(f"/api/v1/desks/{desk}/open")
    vid = adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"}).json["id"]
    adviser.post(f"/api/v1/desks/{desk}/call-next")
    clock.advance(minutes=1)
    first_start = adviser.post(f"/api/v1/visits/{vid}/start").json["service_started_at"]
    clock.advance(minutes=3)
    moved = adviser.post(f"/api/v1/visits/{vid}/transfer", json={"service": "HOU"}).json
    assert moved["status"] == "waiting"
    assert moved["service"] == "HOU"
    assert moved["number"] == "C001"
    assert moved["desk"] is None
    assert moved["service_started_at"] == first_start
    housing = desk_id(adviser, "Desk 3")
    adviser.post(f"/api/v1/desks/{housing}/open")
    assert adviser.post(f"/api/v1/desks/{housing}/call-next").json["id"] == vid
    clock.advance(minutes=1)
    assert adviser.post(f"/api/v1/visits/{vid}/start").json["service_started_at"] == first_start
    assert _events(app, vid) == ["arrive", "call", "start", "transfer", "call", "start"]


def test_no_show_and_cancel_and_left_end_the_visit(adviser: FlaskClient) -> None:
    desk = desk_id(adviser, "Desk 1")
    adviser.post(f"/api/v1/desks/{desk}/open")
    ids = [
        adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"}).json["id"]
        for _ in range(3)
    ]
    adviser.post(f"/api/v1/desks/{desk}/call-next")
    assert adviser.post(f"/api/v1/visits/{ids[0]}/no-show").json["status"] == "no_show"
    assert adviser.post(f"/api/v1/visits/{ids[1]}/cancel").json["status"] == "cancelled"
    left = adviser.post(f"/api/v1/visits/{ids[2]}/cancel", json={"reason": "left"}).json
    assert left["status"] == "left"
    assert left["ended_at"] is not None


ILLEGAL = [
    ("start", "waiting"),
    ("complete", "waiting"),
    ("recall", "waiting"),
    ("no-show", "waiting"),
]


def test_illegal_transitions_are_refused_with_409_and_change_nothing(
    app: Flask, adviser: FlaskClient, publisher: RecordingPublisher
) -> None:
    vid = adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"}).json["id"]
    before = adviser.get("/api/v1/sites/bootle/queue").json
    published = len(publisher.events)
    for action, _status in ILLEGAL:
        response = adviser.post(f"/api/v1/visits/{vid}/{action}")
        assert response.status_code == 409, action
        assert response.json["error"]["code"] == "illegal_transition"
    adviser.post(f"/api/v1/visits/{vid}/greet")
    again = adviser.post(f"/api/v1/visits/{vid}/greet")
    assert again.status_code == 409
    adviser.post(f"/api/v1/visits/{vid}/cancel")
    for action in ("greet", "call", "start", "complete", "cancel", "transfer"):
        body = (
            {"desk": 1}
            if action == "call"
            else {"service": "HOU"}
            if action == "transfer"
            else None
        )
        response = adviser.post(f"/api/v1/visits/{vid}/{action}", json=body)
        assert response.status_code == 409, action
    after = adviser.get("/api/v1/sites/bootle/queue").json
    # Only the greet and the cancel changed the site: two versions, two log rows.
    assert after["version"] == before["version"] + 2
    assert len(publisher.events) > published
    assert _events(app, vid) == ["arrive", "greet", "cancel"]
    with uow_for(app).reading() as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == 1


def test_a_desk_serves_one_visit_at_a_time(adviser: FlaskClient) -> None:
    desk = desk_id(adviser, "Desk 1")
    adviser.post(f"/api/v1/desks/{desk}/open")
    for _ in range(2):
        adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"})
    assert adviser.post(f"/api/v1/desks/{desk}/call-next").status_code == 200
    busy = adviser.post(f"/api/v1/desks/{desk}/call-next")
    assert busy.status_code == 409
    assert busy.json["error"]["code"] == "desk_busy"


def test_a_closed_desk_cannot_call_and_an_empty_queue_answers_204(adviser: FlaskClient) -> None:
    desk = desk_id(adviser, "Desk 1")
    assert adviser.post(f"/api/v1/desks/{desk}/call-next").status_code == 409
    adviser.post(f"/api/v1/desks/{desk}/open")
    assert adviser.post(f"/api/v1/desks/{desk}/call-next").status_code == 204


def test_events_are_published_after_commit_with_the_new_site_version(
    adviser: FlaskClient, publisher: RecordingPublisher
) -> None:
    desk = desk_id(adviser, "Desk 1")
    adviser.post(f"/api/v1/desks/{desk}/open")
    adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"})
    publisher.events.clear()
    call = adviser.post(f"/api/v1/desks/{desk}/call-next").json
    kinds = [type(e).__name__ for e in publisher.events]
    assert kinds == ["SiteChanged", "VisitChanged", "VisitCalled"]
    version = adviser.get("/api/v1/sites/bootle/board").json["version"]
    assert publisher.events[0].version == version
    assert publisher.events[2].number == call["number"]


def test_a_recall_is_on_the_boards_recent_calls_with_its_desk(
    adviser: FlaskClient, clock: ManualClock
) -> None:
    desk = desk_id(adviser, "Desk 2")
    assert adviser.post(f"/api/v1/desks/{desk}/open").status_code == 200
    vid = adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"}).json["id"]
    assert adviser.post(f"/api/v1/desks/{desk}/call-next").json["id"] == vid
    clock.advance(seconds=40)

    assert adviser.post(f"/api/v1/visits/{vid}/recall").status_code == 200

    recent = adviser.get("/api/v1/sites/bootle/board").json["recent"]
    assert [(c["number"], c["desk"]) for c in recent] == [("C001", "Desk 2"), ("C001", "Desk 2")]


def test_each_log_row_names_the_desk_the_visit_is_at_after_the_step(
    app: Flask, adviser: FlaskClient
) -> None:
    desk = desk_id(adviser, "Desk 1")
    vid = adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"}).json["id"]
    adviser.post(f"/api/v1/desks/{desk}/open")
    assert adviser.post(f"/api/v1/desks/{desk}/call-next").json["id"] == vid
    adviser.post(f"/api/v1/visits/{vid}/start")
    adviser.post(f"/api/v1/visits/{vid}/transfer", json={"service": "BEN"})

    with uow_for(app).reading() as session:
        rows = session.execute(
            select(VisitEvent.type, VisitEvent.desk_id)
            .where(VisitEvent.visit_id == vid)
            .order_by(VisitEvent.id)
        )
        logged = [tuple(row) for row in rows]
    assert logged == [("arrive", None), ("call", desk), ("start", desk), ("transfer", None)]
