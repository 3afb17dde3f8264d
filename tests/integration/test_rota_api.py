"""The rota over HTTP: managers replace a site's planned desk hours, staff read them, the
estimates follow at once, and loading the sites file again keeps what a manager saved."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from queue_service.errors import Invalid
from queue_service.events import SiteChanged
from queue_service.services import accounts, site_config
from queue_service.services.uow import UnitOfWork
from tests.conftest import PASSWORD, RecordingPublisher, demo_document, signed_in, with_rota

ROTA = "/api/v1/sites/bootle/rota"
MORNINGS = [
    {"desk": "Desk 1", "weekday": "tue", "from": "12:00", "to": "17:00"},
    {"desk": "Desk 2", "weekday": "tue", "from": "12:00", "to": "17:00"},
    {"desk": "Desk 1", "weekday": "mon", "from": "09:00", "to": "12:30"},
]


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    return signed_in(app, "bootle-manager")


def ct_wait(client: FlaskClient) -> int:
    board = client.get("/api/v1/sites/bootle/board").json
    return next(s["estimated_wait_s"] for s in board["services"] if s["code"] == "CT")


def test_a_manager_replaces_the_week_and_the_estimate_follows_at_once(
    manager: FlaskClient, publisher: RecordingPublisher
) -> None:
    # Tuesday 10:30 and no desk open: without a rota every desk is taken to be there now.
    empty = manager.get(ROTA)
    assert empty.status_code == 200 and empty.json["shifts"] == []
    assert empty.json["edited_by"] is None
    assert ct_wait(manager) < 5 * 60
    version = manager.get("/api/v1/sites/bootle/board").json["version"]

    saved = manager.put(ROTA, json={"shifts": MORNINGS})

    assert saved.status_code == 200, saved.json
    body = saved.json
    assert body["shifts"] == [MORNINGS[2], MORNINGS[0], MORNINGS[1]]  # by desk, day, time
    assert body["edited_by"] == "bootle-manager" and body["edited_at"].startswith("2026-11-24")
    assert body["version"] == version + 1
    assert saved.headers["ETag"] == f'"{body["revision"]}"'
    assert SiteChanged(site_id=1, site_slug="bootle", version=version + 1) in publisher.events
    assert manager.get(ROTA).json == body
    # Nobody serves Council Tax before noon now: an hour and a half from 10:30.
    assert ct_wait(manager) >= 85 * 60


def test_staff_read_the_rota_and_only_managers_of_the_site_change_it(
    app: Flask,
    manager: FlaskClient,
    adviser: FlaskClient,
    reception: FlaskClient,
    client: FlaskClient,
    kiosk_token: str,
    uow: UnitOfWork,
) -> None:
    week = {"shifts": MORNINGS}
    assert adviser.get(ROTA).status_code == 200
    assert reception.get(ROTA).status_code == 200
    for staff in (adviser, reception):
        refused = staff.put(ROTA, json=week)
        assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    kiosk = {"Authorization": f"Bearer {kiosk_token}"}
    assert client.get(ROTA, headers=kiosk).status_code == 403
    assert client.put(ROTA, json=week, headers=kiosk).status_code == 403
    assert client.get(ROTA).status_code == 401
    assert client.put(ROTA, json=week).status_code == 401
    accounts.add_user(uow, "southport-manager", PASSWORD, "manager", ["southport"])
    elsewhere = signed_in(app, "southport-manager")
    assert elsewhere.put(ROTA, json=week).status_code == 403
    assert elsewhere.put("/api/v1/sites/southport/rota", json={"shifts": []}).status_code == 200
    # The session cookie alone is not enough to change anything: the CSRF token must come too.
    del manager.environ_base["HTTP_X_CSRF_TOKEN"]
    forged = manager.put(ROTA, json=week)
    assert forged.status_code == 403 and forged.json["error"]["code"] == "csrf_failed"
    assert manager.get(ROTA).json["shifts"] == []
    assert manager.put("/api/v1/sites/nowhere/rota", json=week).status_code in (403, 404)


def shift(**changes: Any) -> dict[str, Any]:
    return {"shifts": [{**MORNINGS[0], **changes}]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (shift(desk="Desk 9"), "shifts[0].desk"),
        (shift(desk="Desk\x001"), "shifts[0].desk"),
        (shift(weekday="someday"), "shifts[0].weekday"),
        (shift(weekday="tuesday"), "shifts[0].weekday"),
        (shift(**{"from": "9am"}), "shifts[0].from"),
        (shift(**{"from": "25:00"}), "shifts[0].from"),
        (shift(to="24:30"), "shifts[0].to"),
        (shift(**{"from": "12:00", "to": "12:00"}), "shifts[0].to"),
        (shift(**{"from": "13:00", "to": "12:00"}), "shifts[0].to"),
        (shift(to=None), "shifts[0].to"),
        (shift(to=1200), "shifts[0].to"),
        (shift(note="late"), "shifts[0].note"),
        (
            {"shifts": [MORNINGS[0], {**MORNINGS[0], "from": "16:00", "to": "18:00"}]},
            "shifts[1].from",
        ),
        ({"shifts": "Desk 1 9-5"}, "shifts"),
        ({"shifts": [MORNINGS[0]] * 501}, "shifts"),
        ({}, "shifts"),
        ({"shifts": [], "site": "bootle"}, "site"),
    ],
)
def test_a_bad_week_is_refused_naming_the_field(
    manager: FlaskClient, body: dict[str, Any], field: str
) -> None:
    answer = manager.put(ROTA, json=body)
    assert answer.status_code == 422, answer.json
    assert field in answer.json["error"]["fields"], answer.json
    assert manager.get(ROTA).json["edited_by"] is None


def test_a_lone_surrogate_is_refused_not_stored(manager: FlaskClient) -> None:
    raw = '{"shifts": [{"desk": "\\ud800", "weekday": "tue", "from": "09:00", "to": "10:00"}]}'
    answer = manager.put(ROTA, data=raw, content_type="application/json")
    assert answer.status_code == 422
    assert "shifts[0].desk" in answer.json["error"]["fields"]


def test_touching_hours_are_not_an_overlap(manager: FlaskClient) -> None:
    week = [
        {"desk": "Desk 3", "weekday": "fri", "from": "09:00", "to": "12:00"},
        {"desk": "Desk 3", "weekday": "fri", "from": "12:00", "to": "24:00"},
    ]
    assert manager.put(ROTA, json={"shifts": week}).status_code == 200


def test_a_save_over_a_newer_rota_is_refused(app: Flask, manager: FlaskClient) -> None:
    opened = manager.get(ROTA).headers["ETag"]
    other = signed_in(app, "bootle-manager")
    assert other.put(ROTA, json={"shifts": MORNINGS[:1]}).status_code == 200
    late = manager.put(ROTA, json={"shifts": MORNINGS}, headers={"If-Match": opened})
    assert late.status_code == 409 and late.json["error"]["code"] == "rota_changed"
    current = manager.get(ROTA).headers["ETag"]
    retried = manager.put(ROTA, json={"shifts": MORNINGS}, headers={"If-Match": current})
    assert retried.status_code == 200


def test_loading_the_sites_file_keeps_a_managers_rota_unless_told(
    manager: FlaskClient, uow: UnitOfWork
) -> None:
    filed = [{"desk": "Desk 4", "days": ["wed"], "hours": "10:00-16:00"}]
    assert site_config.load_sites(uow, with_rota(filed))[0].endswith(", 1 rota shifts")
    assert manager.put(ROTA, json={"shifts": MORNINGS}).status_code == 200

    # The file again, with its rota: the manager's is kept, and the summary says so.
    line = site_config.load_sites(uow, with_rota(filed))[0]
    assert "the rota bootle-manager edited on 2026-11-24 is kept" in line
    assert "--replace-rota" in line
    assert len(manager.get(ROTA).json["shifts"]) == 3
    # A file without a rota leaves the site's alone.
    assert "rota" not in site_config.load_sites(uow, demo_document())[0]
    assert manager.get(ROTA).json["edited_by"] == "bootle-manager"

    # Told to, the file wins, and the rota is the file's again (later loads replace it).
    line = site_config.load_sites(uow, with_rota(filed), replace_rota=True)[0]
    assert line.endswith(", 1 rota shifts")
    rota = manager.get(ROTA).json
    assert rota["edited_by"] is None
    assert rota["shifts"] == [{"desk": "Desk 4", "weekday": "wed", "from": "10:00", "to": "16:00"}]
    assert site_config.load_sites(uow, with_rota([]))[0].endswith(", 0 rota shifts")
    assert manager.get(ROTA).json["shifts"] == []


def test_the_sites_file_refuses_overlapping_rota_hours(uow: UnitOfWork) -> None:
    filed = [
        {"desk": "Desk 1", "days": ["mon", "tue"], "hours": "09:00-13:00"},
        {"desk": "Desk 1", "days": ["tue"], "hours": "12:00-17:00"},
    ]
    with pytest.raises(Invalid, match=r"rota #2 \(Desk 1\): from overlaps"):
        site_config.load_sites(uow, with_rota(filed))


def test_the_week_comes_with_the_desks_and_hours_a_page_needs(manager: FlaskClient) -> None:
    week = manager.get(ROTA).json
    first = week["desks"][0]
    assert first["name"] == "Desk 1" and first["services"] == ["CT", "BEN", "GEN"]
    assert week["opening_hours"]["sat"] == "closed" and week["timezone"] == "Europe/London"
