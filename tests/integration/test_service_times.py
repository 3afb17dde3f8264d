"""Service times for estimates come from each service's own spans in the event log: a visit
transferred from one service to another counts once for each, for the time it was served
there, never for the wait in between (DESIGN §8: wait and service time)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from queue_service.clock import ManualClock
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


def test_five_transfers_do_not_make_housing_a_53_minute_service(
    adviser: FlaskClient, clock: ManualClock
) -> None:
    for _ in range(5):
        served_for_council_tax_then_housing(adviser, clock, housing_min=10)
    assert adviser.post(f"{API}/desks/{desk_id(adviser, 'Desk 3')}/open").status_code == 200

    ticket(adviser, "HOU")
    second = ticket(adviser, "HOU")

    # Served at once by the open desk, the first is ahead of the second for one Housing
    # service: 10 minutes, not the 53 between the first start and the completion.
    assert second["estimated_wait_s"] == 10 * 60


def test_the_council_tax_part_of_a_transfer_counts_as_council_tax(
    adviser: FlaskClient, clock: ManualClock
) -> None:
    for _ in range(5):
        served_for_council_tax_then_housing(adviser, clock, housing_min=10)
    assert adviser.post(f"{API}/desks/{desk_id(adviser, 'Desk 1')}/open").status_code == 200

    ticket(adviser, "CT")
    second = ticket(adviser, "CT")

    assert second["estimated_wait_s"] == 3 * 60


def test_a_transferred_visit_at_a_desk_is_expected_to_finish_its_new_service(
    adviser: FlaskClient, clock: ManualClock
) -> None:
    for _ in range(5):
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
