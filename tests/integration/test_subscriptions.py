"""A board subscription is acknowledged from the board this process keeps for the site's
version (services/memo.py), in the app with Flask-SocketIO's test client: the kept board never
stands in for a newer version, nor for a permission check."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from queue_service.extensions import socketio
from queue_service.realtime import subscriptions
from queue_service.services import accounts, queries, site_config
from queue_service.services.uow import UnitOfWork
from tests.conftest import demo_document

BOARD = {"site": "bootle", "view": "board"}


def subscribe(app: Flask, payload: dict[str, Any], **connect: Any) -> dict[str, Any]:
    client = socketio.test_client(app, **connect)
    try:
        ack: dict[str, Any] = client.emit("subscribe", payload, callback=True)
    finally:
        client.disconnect()
    return ack


def waiting(board: dict[str, Any]) -> int:
    return sum(s["waiting"] for s in board["services"])


def test_a_change_between_building_and_joining_is_in_the_acknowledgement(
    app: Flask, adviser: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = subscribe(app, BOARD)["snapshot"]  # this version's board is now kept
    joined = subscriptions.join_room

    def ticket_then_join(room: str) -> None:
        # A ticket lands after the board was found and before the client is in the room: its
        # push went to the room without this client.
        monkeypatch.setattr(subscriptions, "join_room", joined)
        response = adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"})
        assert response.status_code == 201, response.json
        joined(room)

    monkeypatch.setattr(subscriptions, "join_room", ticket_then_join)
    ack = subscribe(app, BOARD)
    assert ack["ok"] is True
    assert ack["snapshot"]["version"] == kept["version"] + 1
    assert waiting(ack["snapshot"]) == waiting(kept) + 1


def test_a_kept_private_board_is_not_served_to_someone_not_allowed(
    app: Flask, uow: UnitOfWork, display_token: str
) -> None:
    document = demo_document()
    document["site"][0]["public_board"] = False
    site_config.load_sites(uow, document)
    elsewhere = accounts.add_device(uow, "southport", "display", "southport display")
    display = subscribe(app, BOARD, auth={"token": display_token})
    assert display["ok"] is True
    with uow.reading() as session:
        site_id = queries.site_by_slug(session, "bootle").id
    assert uow.memo.board(site_id, display["snapshot"]["version"], uow.now()) is not None
    assert subscribe(app, BOARD)["code"] == "not_authenticated"
    assert subscribe(app, BOARD, auth={"token": elsewhere})["code"] == "forbidden"
    assert subscribe(app, BOARD, auth={"token": display_token})["ok"] is True
