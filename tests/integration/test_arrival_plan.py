"""A walk-in's estimate in a burst of arrivals: planned from what this process remembers of
the site just before (no reload of the queue under the site lock), it is what planning the
queue afresh says."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from queue_service.services import queries, queue_plan
from queue_service.services.uow import UnitOfWork
from tests.conftest import desk_id


def _ticket(adviser: FlaskClient, service: str, priority: bool = False) -> dict[str, Any]:
    response = adviser.post(
        "/api/v1/sites/bootle/tickets", json={"service": service, "priority": priority}
    )
    assert response.status_code == 201, response.json
    return response.json


def _afresh(app: Flask) -> dict[int, tuple[Any, int | None]]:
    """Every waiting visit's estimate and place, planned with nothing remembered."""
    uow = UnitOfWork.for_app(app)
    uow.memo.__init__()  # type: ignore[misc]
    with uow.reading() as session:
        site = queries.site_by_slug(session, "bootle")
        plan = queue_plan.build(uow, session, site, uow.now())
        return {e.visit.id: (e.estimate, e.position) for e in plan.waiting}


def _told(ticket: dict[str, Any]) -> tuple[int, int, int]:
    return (
        ticket["estimated_wait_s"],
        ticket["estimated_wait_low_s"],
        ticket["estimated_wait_high_s"],
    )


def test_walk_ins_in_a_burst_are_told_what_a_fresh_plan_says(
    app: Flask, adviser: FlaskClient
) -> None:
    for name in ("Desk 1", "Desk 2"):
        assert adviser.post(f"/api/v1/desks/{desk_id(adviser, name)}/open").status_code == 200
    # Each arrival finds the site as the one before left it: alternately the forecast before
    # it (an ordinary walk-in is told its newcomer estimate) and only the situation before it
    # (the queue is planned from it, joined by the walk-in).
    burst = [("CT", False), ("BEN", False), ("CT", False), ("GEN", False), ("CT", True)]
    burst += [("HOU", False), ("BEN", True)]
    issued = [_ticket(adviser, service, priority) for service, priority in burst]
    estimate, position = _afresh(app)[issued[-1]["id"]]
    assert _told(issued[-1]) == (estimate.wait_s, estimate.low_s, estimate.high_s)
    assert issued[-1]["position"] == position

    uow = UnitOfWork.for_app(app)
    with uow.reading() as session:
        site = queries.site_by_slug(session, "bootle")
        plan = queue_plan.build(uow, session, site, uow.now())
        newcomer = plan.new_arrival_estimate(next(s.id for s in site.services if s.code == "CT"))
    assert newcomer is not None
    last = _ticket(adviser, "CT")
    assert _told(last) == (newcomer.wait_s, newcomer.low_s, newcomer.high_s)
    assert last["position"] == 1 + sum(1 for service, _ in burst if service == "CT")
