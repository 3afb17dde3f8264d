"""The audit trail (GET /sites/<site>/audit): who did what to which visit, and when, for the
managers of the site only, a local day and a page at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from queue_service.clock import ManualClock
from queue_service.services import accounts, retention
from queue_service.services.uow import UnitOfWork
from tests.conftest import PASSWORD, desk_id, signed_in

API = "/api/v1"
# Tuesday 24 November 2026, GMT: local time is UTC.
MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    return signed_in(app, "bootle-manager")


def served_visit(
    reception: FlaskClient, adviser: FlaskClient, clock: ManualClock, kiosk_token: str
) -> dict[str, Any]:
    """A kiosk ticket greeted and triaged by reception, then called, served and transferred
    by the adviser."""
    clock.set(MORNING)
    ticket = reception.post(
        f"{API}/sites/bootle/tickets",
        json={"service": "CT"},
        headers={"Authorization": f"Bearer {kiosk_token}"},
    ).json
    clock.advance(minutes=1)
    reception.post(f"{API}/visits/{ticket['id']}/greet")
    reception.post(f"{API}/visits/{ticket['id']}/triage", json={"note": "brought a letter"})
    desk = desk_id(adviser, "Desk 1")
    adviser.post(f"{API}/desks/{desk}/open")
    clock.advance(minutes=5)
    adviser.post(f"{API}/visits/{ticket['id']}/call", json={"desk": desk, "reason": "urgent"})
    adviser.post(f"{API}/visits/{ticket['id']}/start")
    clock.advance(minutes=8)
    adviser.post(f"{API}/visits/{ticket['id']}/transfer", json={"service": "BEN", "note": "rent"})
    return ticket


def test_a_manager_sees_who_did_what_to_which_visit_and_when(
    app: Flask,
    manager: FlaskClient,
    reception: FlaskClient,
    adviser: FlaskClient,
    clock: ManualClock,
    kiosk_token: str,
) -> None:
    ticket = served_visit(reception, adviser, clock, kiosk_token)

    response = manager.get(f"{API}/sites/bootle/audit?date=2026-11-24")

    assert response.status_code == 200, response.json
    body = response.json
    assert (body["site"], body["date"], body["total"], body["page"], body["pages"]) == (
        "bootle",
        "2026-11-24",
        6,
        1,
        1,
    )
    entries = [
        (e["type"], e["actor_name"], e["number"], e["desk"], e["data"], e["at"])
        for e in body["entries"]
    ]

    def minutes(m: int) -> str:
        return (MORNING + timedelta(minutes=m)).isoformat()

    front, desk = "bootle-reception", "bootle-adviser"
    assert entries == [
        ("arrive", "test kiosk", "C001", None, {}, minutes(0)),
        ("greet", front, "C001", None, {}, minutes(1)),
        ("triage", front, "C001", None, {"note": "brought a letter"}, minutes(1)),
        ("call", desk, "C001", "Desk 1", {"desk": "Desk 1", "reason": "urgent"}, minutes(6)),
        ("start", desk, "C001", "Desk 1", {}, minutes(6)),
        ("transfer", desk, "C001", None, {"from": "CT", "to": "BEN", "note": "rent"}, minutes(14)),
    ]  # fmt: skip
    assert all(e["visit_id"] == ticket["id"] for e in body["entries"])
    assert body["entries"][1]["actor"].startswith("user:")


def test_the_log_comes_a_page_at_a_time_and_a_day_at_a_time(
    manager: FlaskClient,
    reception: FlaskClient,
    adviser: FlaskClient,
    clock: ManualClock,
    kiosk_token: str,
) -> None:
    served_visit(reception, adviser, clock, kiosk_token)

    second = manager.get(f"{API}/sites/bootle/audit?date=2026-11-24&page=2&per_page=4").json
    past_the_end = manager.get(f"{API}/sites/bootle/audit?date=2026-11-24&page=3&per_page=4")
    other_day = manager.get(f"{API}/sites/bootle/audit?date=2026-11-23").json
    today = manager.get(f"{API}/sites/bootle/audit").json

    assert [e["type"] for e in second["entries"]] == ["start", "transfer"]
    assert (second["total"], second["pages"]) == (6, 2)
    assert past_the_end.json["entries"] == []
    assert (other_day["total"], other_day["entries"]) == (0, [])
    assert (today["date"], today["total"]) == ("2026-11-24", 6)


def test_erased_notes_show_as_erased(
    manager: FlaskClient,
    uow: UnitOfWork,
    reception: FlaskClient,
    adviser: FlaskClient,
    clock: ManualClock,
    kiosk_token: str,
) -> None:
    served_visit(reception, adviser, clock, kiosk_token)
    clock.advance(days=2)
    retention.purge(uow, 1)

    body = manager.get(f"{API}/sites/bootle/audit?date=2026-11-24").json

    assert [e["data"] for e in body["entries"] if e["type"] in ("triage", "call", "transfer")] == [
        {"erased": ["note"]},
        {"desk": "Desk 1", "erased": ["reason"]},
        {"from": "CT", "to": "BEN", "erased": ["note"]},
    ]


@pytest.mark.parametrize("who", ["bootle-adviser", "bootle-reception", "southport-manager"])
def test_only_managers_of_the_site_see_its_log(app: Flask, uow: UnitOfWork, who: str) -> None:
    accounts.add_user(uow, "southport-manager", PASSWORD, "manager", ["southport"])
    response = signed_in(app, who).get(f"{API}/sites/bootle/audit")
    assert (response.status_code, response.json["error"]["code"]) == (403, "forbidden")


def test_signed_out_is_401_and_a_device_is_403(client: FlaskClient, kiosk_token: str) -> None:
    assert client.get(f"{API}/sites/bootle/audit").status_code == 401
    device = client.get(
        f"{API}/sites/bootle/audit", headers={"Authorization": f"Bearer {kiosk_token}"}
    )
    assert device.status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date=24-11-2026", "date"),
        ("page=0", "page"),
        ("page=two", "page"),
        ("per_page=501", "per_page"),
        ("per_page=-1", "per_page"),
        ("site=bootle", "site"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(
    manager: FlaskClient, query: str, field: str
) -> None:
    response = manager.get(f"{API}/sites/bootle/audit?{query}")
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_an_unknown_site_is_404(manager: FlaskClient) -> None:
    assert manager.get(f"{API}/sites/nowhere/audit").status_code == 404
