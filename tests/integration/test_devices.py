"""Paired devices: tokens kept only as hashes, listed and revoked by a manager, and a revoked
device refused at once (API, its page, and its live connections through `DeviceRevoked`)."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from queue_service.events import DeviceRevoked
from queue_service.models import Device
from queue_service.services import accounts
from queue_service.services.uow import UnitOfWork
from tests.conftest import RecordingPublisher, signed_in
from tests.integration.test_auth import assert_error, bearer

API = "/api/v1"


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    return signed_in(app, "bootle-manager")


def _device_id(manager: FlaskClient, name: str, site: str = "bootle") -> int:
    devices = manager.get(f"{API}/sites/{site}/devices").json
    return next(d["id"] for d in devices if d["name"] == name)


def test_the_database_keeps_only_a_hash_of_a_device_token(
    uow: UnitOfWork, kiosk_token: str
) -> None:
    with uow.reading() as session:
        rows = [
            {c.name: getattr(d, c.name) for c in Device.__table__.columns}
            for d in session.scalars(select(Device))
        ]
    assert [r["token_hash"] for r in rows] == [hashlib.sha256(kiosk_token.encode()).hexdigest()]
    assert not any(kiosk_token in str(value) for row in rows for value in row.values())


def test_a_manager_lists_the_sites_devices(
    manager: FlaskClient, kiosk_token: str, display_token: str
) -> None:
    response = manager.get(f"{API}/sites/bootle/devices")
    assert response.status_code == 200
    listed = {(d["kind"], d["name"], d["revoked_at"]) for d in response.json}
    assert listed == {("kiosk", "test kiosk", None), ("display", "test display", None)}
    assert kiosk_token not in response.get_data(as_text=True)


def test_a_revoked_kiosk_is_refused_at_once_and_its_connections_closed(
    client: FlaskClient,
    manager: FlaskClient,
    kiosk_token: str,
    display_token: str,
    publisher: RecordingPublisher,
) -> None:
    ticket = {"service": "CT"}
    assert client.post(f"{API}/sites/bootle/tickets", json=ticket, headers=bearer(kiosk_token))
    kiosk = _device_id(manager, "test kiosk")

    revoked = manager.post(f"{API}/devices/{kiosk}/revoke")
    assert revoked.status_code == 200, revoked.json
    assert revoked.json["revoked_at"] is not None
    assert DeviceRevoked(device_id=kiosk) in publisher.events

    refused = client.post(f"{API}/sites/bootle/tickets", json=ticket, headers=bearer(kiosk_token))
    assert_error(refused, 401, "bad_token")
    page = client.get(f"/kiosk/bootle?pair={kiosk_token}")
    assert page.status_code == 401
    # The other device is untouched.
    board = client.get(f"{API}/sites/bootle/board", headers=bearer(display_token))
    assert board.status_code == 200
    assert_error(manager.post(f"{API}/devices/{kiosk}/revoke"), 409, "already_revoked")


def test_re_pairing_a_device_by_name_revokes_the_old_token(
    uow: UnitOfWork, client: FlaskClient, kiosk_token: str, publisher: RecordingPublisher
) -> None:
    new_token = accounts.add_device(uow, "bootle", "kiosk", "test kiosk", replace=True)
    assert any(isinstance(e, DeviceRevoked) for e in publisher.events)
    ticket = {"service": "CT"}
    old = client.post(f"{API}/sites/bootle/tickets", json=ticket, headers=bearer(kiosk_token))
    assert_error(old, 401, "bad_token")
    new = client.post(f"{API}/sites/bootle/tickets", json=ticket, headers=bearer(new_token))
    assert new.status_code == 201


@pytest.mark.parametrize("who", ["anonymous", "bootle-adviser", "kiosk"])
def test_only_a_manager_lists_and_revokes_devices(
    app: Flask, client: FlaskClient, manager: FlaskClient, kiosk_token: str, who: str
) -> None:
    kiosk = _device_id(manager, "test kiosk")
    if who == "bootle-adviser":
        caller, headers, status = signed_in(app, who), {}, 403
    elif who == "kiosk":
        caller, headers, status = client, bearer(kiosk_token), 403
    else:
        caller, headers, status = client, {}, 401
    assert_error(caller.get(f"{API}/sites/bootle/devices", headers=headers), status)
    assert_error(caller.post(f"{API}/devices/{kiosk}/revoke", headers=headers), status)
    assert client.get(f"{API}/sites/bootle/board", headers=bearer(kiosk_token)).status_code == 200


def test_a_bootle_manager_cannot_touch_southports_devices(
    client: FlaskClient, manager: FlaskClient, uow: UnitOfWork
) -> None:
    token = accounts.add_device(uow, "southport", "display", "southport display")
    with uow.reading() as session:
        southport = session.scalars(
            select(Device.id).where(Device.name == "southport display")
        ).one()
    assert_error(manager.get(f"{API}/sites/southport/devices"), 403)
    assert_error(manager.post(f"{API}/devices/{southport}/revoke"), 403)
    assert client.get(f"{API}/sites/southport/board", headers=bearer(token)).status_code == 200


def test_revoking_an_unknown_device_is_404(manager: FlaskClient) -> None:
    assert_error(manager.post(f"{API}/devices/999999/revoke"), 404)
