"""Malformed Socket.IO messages against a real server process: every one is answered with an
`{"ok": false, "code": "invalid"}` acknowledgement, nothing is logged as a fault, and the same
connection then subscribes as usual (docs/realtime.md, "Bad input")."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.e2e.conftest import BOARD, database_for
from tests.support.live_client import WAIT, LiveClient
from tests.support.liveserver import LiveServer
from tests.support.raw_socket import RawSocketIO

pytestmark = pytest.mark.server


def nested(depth: int) -> Any:
    value: Any = "bootle"
    for _ in range(depth):
        value = {"site": value, "view": "board"}
    return value


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp_path = tmp_path_factory.mktemp("bad-socket-input")
    with LiveServer(database_for("sqlite", tmp_path), tmp_path) as live:
        yield live


def server_log(server: LiveServer) -> str:
    return (Path(server.env["QUEUE_INSTANCE_DIR"]) / f"server-{server.port}.log").read_text()


# What a client library can send: each is one event's argument(s).
PAYLOADS: list[Any] = [
    pytest.param(42, id="number"),
    pytest.param(1.5, id="float"),
    pytest.param(True, id="bool"),
    pytest.param("bootle", id="string"),
    pytest.param(["bootle", "board"], id="list"),
    pytest.param(None, id="nothing"),
    pytest.param({}, id="no-keys"),
    pytest.param({"view": "board"}, id="missing-site"),
    pytest.param({"site": "bootle", "view": "board", "also": 1}, id="extra-key"),
    pytest.param({"site": 1, "view": "board"}, id="site-number"),
    pytest.param({"site": "bootle", "view": ["board"]}, id="view-list"),
    pytest.param({"ticket": None}, id="ticket-null"),
    pytest.param({"ticket": {"token": "x"}}, id="ticket-object"),
    pytest.param({"ticket": ""}, id="ticket-empty"),
    pytest.param({"ticket": "x" * 15_000}, id="huge-ascii"),
    pytest.param({"site": "ż" * 2_500, "view": "board"}, id="huge-non-ascii"),
    pytest.param(b"\x00\xff" * 100, id="binary"),
    pytest.param({"ticket": b"token"}, id="binary-ticket"),
    pytest.param({"site": b"bootle", "view": "board"}, id="binary-site"),
    pytest.param(nested(300), id="nested-deep"),
    pytest.param({"ticket": "\udfff"}, id="lone-surrogate"),
    pytest.param({"site": "boo\x00tle", "view": "board"}, id="nul"),
    pytest.param(({"ticket": "x"}, "and more"), id="two-arguments"),
    pytest.param((BOARD, b"\x01", None), id="three-arguments-one-binary"),
]


@pytest.mark.parametrize("event", ["subscribe", "unsubscribe"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_malformed_payload_is_refused_and_the_connection_goes_on(
    server: LiveServer, event: str, payload: Any
) -> None:
    with LiveClient(server.url) as client:
        ack = client.sio.call(event, payload, timeout=WAIT)
        assert ack["ok"] is False and ack["code"] == "invalid", ack
        assert isinstance(ack["error"], str) and len(ack["error"]) < 300
        assert client.subscribe(BOARD)["ok"] is True
    assert client.connects == 1


# What only a hand-made packet can carry: the text after `2<ack id>` in an event packet.
RAW = [
    pytest.param('["subscribe",' + "[" * 3000 + "]" * 3000 + "]", id="nested-past-json"),
    pytest.param('["subscribe",{"ticket":', id="broken-json"),
    pytest.param('["subscribe",{"ticket":"a"}]]', id="trailing-bracket"),
    pytest.param("", id="no-data"),
    pytest.param('{"subscribe":{"ticket":"a"}}', id="object-not-array"),
    pytest.param("[]", id="empty-array"),
    pytest.param("[5,{}]", id="event-name-number"),
    pytest.param('[{"name":"subscribe"},{}]', id="event-name-object"),
    pytest.param('[null,{"ticket":"a"}]', id="event-name-null"),
    pytest.param('["no-such-event",{"ticket":"a"}]', id="unknown-event"),
    pytest.param('["*",{"ticket":"a"}]', id="catch-all-name"),
    pytest.param('["connect",{"token":"not-a-device"}]', id="connect-as-event"),
    pytest.param('["disconnect"]', id="disconnect-as-event"),
    pytest.param(json.dumps(["subscribe", {"ticket": "\ud800"}]), id="escaped-surrogate"),
    pytest.param(json.dumps(["subscribe", {"ticket": "\x00"}]), id="escaped-nul"),
]


def test_hand_made_malformed_packets_are_refused_on_one_connection_that_goes_on(
    server: LiveServer,
) -> None:
    before = server_log(server)
    with RawSocketIO(server.url) as raw:
        for param in RAW:
            (body,) = param.values
            (ack,) = raw.call(body)
            assert ack["ok"] is False and ack["code"] == "invalid", (param.id, ack)
        (ack,) = raw.call(json.dumps(["subscribe", BOARD]))
    assert ack["ok"] is True and ack["snapshot"]["site"]["slug"] == "bootle"
    assert "Traceback" not in server_log(server)[len(before) :]


def test_nothing_bad_input_sends_is_logged_as_a_fault(server: LiveServer) -> None:
    before = server_log(server)
    with LiveClient(server.url) as client:
        for param in PAYLOADS:
            (payload,) = param.values
            assert client.sio.call("subscribe", payload, timeout=WAIT)["ok"] is False
    assert "Traceback" not in server_log(server)[len(before) :]
    assert requests.get(f"{server.url}/healthz", timeout=10).ok


def test_a_message_over_the_size_limit_closes_only_that_connection(server: LiveServer) -> None:
    with LiveClient(server.url) as other, RawSocketIO(server.url) as raw:
        assert other.subscribe(BOARD)["ok"] is True
        with pytest.raises(ConnectionError):
            raw.call(json.dumps(["subscribe", {"ticket": "x" * 40_000}]))
        assert other.subscribe(BOARD)["ok"] is True
    with RawSocketIO(server.url) as again:
        (ack,) = again.call(json.dumps(["subscribe", BOARD]))
    assert ack["ok"] is True
    assert other.connects == 1


@pytest.mark.parametrize(
    "auth",
    [
        pytest.param({"token": 5}, id="number"),
        pytest.param({"token": ["x"]}, id="list"),
        pytest.param({"token": "x" * 15_000}, id="huge"),
        pytest.param({"token": "\x00"}, id="nul"),
        pytest.param({"token": nested(300)}, id="nested-deep"),
    ],
)
def test_a_malformed_device_token_is_refused_at_connect_with_a_reason(
    server: LiveServer, auth: dict[str, Any]
) -> None:
    client = socketio.Client(reconnection=False)
    refusals: list[Any] = []
    client.on("connect_error", refusals.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=WAIT)
    assert len(refusals) == 1 and refusals[0]["message"], refusals
    assert requests.get(f"{server.url}/healthz", timeout=10).ok


@pytest.mark.parametrize(
    "auth", [pytest.param("token", id="string"), pytest.param(["x"], id="list")]
)
def test_auth_that_is_not_an_object_connects_as_nobody(server: LiveServer, auth: Any) -> None:
    client = socketio.Client(reconnection=False)
    client.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=WAIT)
    try:
        staff = client.call("subscribe", {"site": "bootle", "view": "staff"}, timeout=WAIT)
        assert staff["code"] == "not_authenticated"
        assert client.call("subscribe", BOARD, timeout=WAIT)["ok"] is True
    finally:
        client.disconnect()
