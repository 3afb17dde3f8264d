"""Service times for estimates come from each service's own spans in the event log: a visit
transferred from one service to another counts once for each, for the time it was served
there, never for the wait in between (DESIGN §8: wait and service time)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from queue_service.clock import ManualClock
from queue_service.rules.service_times import MIN_SAMPLES
from tests.conftest import desk_id

API = "/api/v1"


def act(client: FlaskClient, visit_id: int, action: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"{API}/visits/{visit_id}/{action}", json=body or None)
    assert response.status_code == 200, response.json
    return response.json


def ticket(client: FlaskClient, service: str) -> dict[str, Any]:
    response = client.post(f"{API}/sites/bootle/tickets", json={"service": service})
    assert response.status_code == 201, response.json
    return response.json


def served_for_council_tax_then_housing(
    client: FlaskClient, clock: ManualClock, *, housing_min: int | None
) -> dict[str, Any]:
    """3 minutes of Council Tax at Desk 1, a transfer, 40 minutes' wait, then Housing at
    Desk 3 (for `housing_min` minutes and completed; None: still being served)."""
    visit = ticket(client, "CT")
    act(client, visit["id"], "call", desk=desk_id(client, "Desk 1"))
    first_start = act(client, visit["id"], "start")["service_started_at"]
    clock.advance(minutes=3)
    act(client, visit["id"], "transfer", service="HOU")
    clock.advance(minutes=40)
    act(client, visit["id"], "call", desk=desk_id(client, "Desk 3"))
    served = act(client, visit["id"], "start")
    assert served["service_started_at"] == first_start  # the wait measure uses the first start
    if housing_min is None:
        return served
    clock.advance(minutes=housing_min)
    return act(client, visit["id"], "complete")


@pytest.mark.parametrize(
    ("service", "desk", "expected_min"),
    [
        # Housing took 10 minutes each time, not the 53 from the first start to completion.
        ("HOU", "Desk 3", 10),
        # The 3 minutes before the transfer were Council Tax's.
        ("CT", "Desk 1", 3),
    ],
)
def test_transfers_count_each_service_for_its_own_time(
    adviser: FlaskClient, clock: ManualClock, service: str, desk: str, expected_min: int
) -> None:
    # Enough samples for the estimator to use them rather than the service's default.
    for _ in range(MIN_SAMPLES):
        served_for_council_tax_then_housing(adviser, clock, housing_min=10)
    assert adviser.post(f"{API}/desks/{desk_id(adviser, desk)}/open").status_code == 200

    ticket(adviser, service)
    second = ticket(adviser, service)

    # The one open desk serves the first at once; the second waits one service time.
    assert second["estimated_wait_s"] == expected_min * 60


def test_a_transferred_visit_at_a_desk_is_expected_to_finish_its_new_service(
    adviser: FlaskClient, clock: ManualClock
) -> None:
    for _ in range(MIN_SAMPLES):
        housing = ticket(adviser, "HOU")
        act(adviser, housing["id"], "call", desk=desk_id(adviser, "Desk 3"))
        act(adviser, housing["id"], "start")
        clock.advance(minutes=10)
        act(adviser, housing["id"], "complete")
    desk_3 = desk_id(adviser, "Desk 3")
    assert adviser.post(f"{API}/desks/{desk_3}/open").status_code == 200
    served_for_council_tax_then_housing(adviser, clock, housing_min=None)
    clock.advance(minutes=1)

    waiting = ticket(adviser, "HOU")

    # Desk 3 started Housing a minute ago: 9 minutes to go, whatever was served before.
    assert waiting["estimated_wait_s"] == 9 * 60
