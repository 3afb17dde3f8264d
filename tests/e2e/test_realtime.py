"""Live updates against a real server process, with a real Socket.IO client (python-socketio).

Subscribing acknowledges a full snapshot; a call produces `called` and fresh `board`,
`staff_queue` and `ticket` pushes one version on; nobody follows what they may not see; a
client rides out a server restart; the slow refresh re-sends without changing the version."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.e2e.conftest import STAFF, assert_signed_out_live, database_for
from tests.support.live_client import LiveClient
from tests.support.liveserver import LiveServer, cli

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def shared_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the tests that only need the demo to exist, not a fresh database."""
    tmp_path = tmp_path_factory.mktemp("shared")
    with LiveServer(database_for("sqlite", tmp_path), tmp_path) as server:
        yield server


ADVISER = "bootle-adviser"
API = "/api/v1"


def ticket(server: LiveServer, http: requests.Session, service: str = "CT") -> dict[str, Any]:
    response = http.post(f"{server.url}{API}/sites/bootle/tickets", json={"service": service})
    assert response.status_code == 201, response.text
    return response.json()


def open_desk(server: LiveServer, http: requests.Session, name: str = "Desk 1") -> int:
    desk_id = server.desk_ids(http)[name]
    assert http.post(f"{server.url}{API}/desks/{desk_id}/open").ok
    return desk_id


def test_board_subscription_is_acknowledged_with_the_rest_snapshot(live: LiveServer) -> None:
    with LiveClient(live.url) as client:
        ack = client.subscribe({"site": "bootle", "view": "board"})
    assert ack["ok"] is True
    rest = requests.get(f"{live.url}{API}/sites/bootle/board").json()
    assert ack["snapshot"].keys() == rest.keys()
    assert ack["snapshot"]["version"] == rest["version"]
    assert ack["snapshot"]["site"] == {
        "slug": "bootle",
        "name": "Bootle One Stop Shop",
        "timezone": "Europe/London",
    }


def test_call_next_pushes_called_and_every_view_one_version_on(live: LiveServer) -> None:
    adviser = live.session(ADVISER)
    desk_id = open_desk(live, adviser)
    first = ticket(live, adviser)
    second = ticket(live, adviser)
    with (
        LiveClient(live.url) as board,
        LiveClient(live.url, http=adviser) as staff,
        LiveClient(live.url) as phone,
        LiveClient(live.url) as second_phone,
    ):
        version = board.subscribe({"site": "bootle", "view": "board"})["snapshot"]["version"]
        staff_ack = staff.subscribe({"site": "bootle", "view": "staff"})
        phone_ack = phone.subscribe({"ticket": first["token"]})
        second_phone.subscribe({"ticket": second["token"]})
        assert staff_ack["snapshot"]["version"] == phone_ack["snapshot"]["version"] == version
        assert [v["number"] for v in staff_ack["snapshot"]["walk_ins"]] == ["C001", "C002"]
        assert phone_ack["snapshot"]["position"] == 1

        called = adviser.post(f"{live.url}{API}/desks/{desk_id}/call-next")
        assert called.status_code == 200, called.text

        announcement = board.next("called")
        assert announcement["site"] == "bootle"
        assert announcement["number"] == "C001"
        assert announcement["desk"] == "Desk 1"
        assert announcement["service"] == "Council Tax"
        assert announcement["text"] == "Ticket C001, please go to Desk 1"
        assert announcement["at"] == called.json()["called_at"]
        assert (announcement["language"], announcement["recall"]) == (None, False)

        # A push of the subscribed version may still trail the acknowledgement (builds in a
        # burst are folded, up to 100 ms late); clients draw it as a refresh. The call is the
        # first push of a newer version, and exactly one version on.
        def newer(snapshot: dict[str, Any]) -> bool:
            return snapshot["version"] > version

        pushed = board.next("board", newer)
        assert pushed["version"] == version + 1
        assert [c["number"] for c in pushed["calling"]] == ["C001"]
        assert staff.next("staff_queue", newer)["version"] == version + 1
        mine = phone.next("ticket", newer)
        assert (mine["status"], mine["desk"], mine["version"]) == ("called", "Desk 1", version + 1)
        # Everybody behind moves up a place, so their phones are told too.
        theirs = second_phone.next("ticket", newer)
        assert (theirs["number"], theirs["position"], theirs["version"]) == ("C002", 1, version + 1)


def test_public_pushes_carry_no_personal_data(live: LiveServer) -> None:
    adviser = live.session(ADVISER)
    soon = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    booked = adviser.post(
        f"{live.url}{API}/sites/bootle/appointments",
        json={"service": "BEN", "scheduled_at": soon, "customer_name": "Ada Lovelace"},
    )
    assert booked.status_code == 201, booked.text
    with LiveClient(live.url) as board:
        board.subscribe({"site": "bootle", "view": "board"})
        mine = ticket(live, adviser)
        pushed = board.next("board")
    assert pushed["appointments_due"], "the booking is due within the half hour"
    text = repr(pushed)
    assert (
        mine["token"] not in text and "Ada" not in text and booked.json()["reference"] not in text
    )


@pytest.mark.parametrize(
    ("who", "payload", "code"),
    [
        ("anonymous", {"site": "bootle", "view": "staff"}, "not_authenticated"),
        ("southport-adviser", {"site": "bootle", "view": "staff"}, "forbidden"),
        ("anonymous", {"ticket": "not-a-real-token"}, "not_found"),
        ("anonymous", {"ticket": "1"}, "not_found"),
        ("anonymous", {"site": "atlantis", "view": "board"}, "not_found"),
        ("anonymous", {"site": "bootle", "view": "everything"}, "invalid"),
        ("anonymous", {"site": "bootle"}, "invalid"),
        ("anonymous", {"ticket": 42}, "invalid"),
        ("anonymous", {"ticket": "x" * 10_000}, "invalid"),
        ("anonymous", ["bootle", "board"], "invalid"),
        ("anonymous", None, "invalid"),
        ("anonymous", {"ticket": "a\ud800b"}, "invalid"),
        ("anonymous", {"ticket": "a\x00b"}, "invalid"),
        ("anonymous", {"site": "a\ud800b", "view": "board"}, "invalid"),
        ("anonymous", {"site": "a\x00b", "view": "board"}, "invalid"),
    ],
)
def test_subscriptions_that_are_refused(
    shared_live: LiveServer, who: str, payload: Any, code: str
) -> None:
    live = shared_live
    http = None if who == "anonymous" else live.session(who)
    with LiveClient(live.url, http=http) as client:
        ack = client.sio.call("subscribe", payload, timeout=10)
        assert ack["ok"] is False and ack["code"] == code, ack
        assert isinstance(ack["error"], str)
        # Refused means not joined: a change at the site reaches nobody here.
        ticket(live, live.session(ADVISER))
        assert client.drain(1.0) == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"ticket": "\ud800"}, "ticket"), ({"site": "\ud800", "view": "board"}, "site")],
)
def test_a_subscription_with_a_lone_surrogate_is_refused_by_name(
    shared_live: LiveServer, payload: dict[str, str], field: str
) -> None:
    with LiveClient(shared_live.url) as client:
        ack = client.subscribe(payload)
    assert ack["ok"] is False and ack["code"] == "invalid", ack
    assert ack["error"].startswith(f"{field} "), ack


def test_someone_elses_ticket_is_only_reachable_by_its_token(shared_live: LiveServer) -> None:
    live = shared_live
    adviser = live.session(ADVISER)
    theirs = ticket(live, adviser)
    with LiveClient(live.url) as stranger:
        for guess in (str(theirs["id"]), theirs["number"], theirs["token"][:-1]):
            assert stranger.subscribe({"ticket": guess})["code"] == "not_found"
        assert stranger.subscribe({"ticket": theirs["token"]})["ok"] is True


def test_a_connection_holds_twenty_subscriptions_and_may_renew_any_of_them(
    shared_live: LiveServer,
) -> None:
    live = shared_live
    adviser = live.session(ADVISER)
    *tokens, one_more = [ticket(live, adviser)["token"] for _ in range(19)]
    held = [{"site": s, "view": "board"} for s in ("bootle", "southport")]
    held += [{"ticket": token} for token in tokens]
    with LiveClient(live.url) as client:
        assert all(client.subscribe(payload)["ok"] for payload in held)
        # Resubscribing is how a screen makes sure it missed nothing: never "too many".
        assert client.subscribe(held[0])["ok"] is True
        extra = client.subscribe({"ticket": one_more})
    assert extra["code"] == "invalid" and "20" in extra["error"]


def test_a_bad_device_token_is_refused_at_connect(shared_live: LiveServer) -> None:
    client = LiveClient(shared_live.url, token="not-a-device")
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.__enter__()
    assert client.next("connect_error") == {"message": "unknown or revoked device token"}


def test_a_device_token_with_a_lone_surrogate_is_refused_by_name(
    shared_live: LiveServer,
) -> None:
    client = LiveClient(shared_live.url, token="\ud800")
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.__enter__()
    assert client.next("connect_error")["message"].startswith("auth.token ")


def test_a_private_board_is_only_for_the_sites_devices_and_staff(
    live: LiveServer, tmp_path: Path
) -> None:
    demo = (Path(__file__).parents[2] / "queue_service/demo/sites.toml").read_text()
    private = demo.replace('slug = "bootle"\n', 'slug = "bootle"\npublic_board = false\n', 1)
    (tmp_path / "sites.toml").write_text(private)
    assert cli(live.env, "sites", "load", str(tmp_path / "sites.toml")).returncode == 0
    board = {"site": "bootle", "view": "board"}
    with LiveClient(live.url) as anonymous:
        assert anonymous.subscribe(board)["code"] == "not_authenticated"
    with LiveClient(live.url, token=live.token("southport", "display")) as elsewhere:
        assert elsewhere.subscribe(board)["code"] == "forbidden"
    with LiveClient(live.url, token=live.token("bootle", "display")) as display:
        assert display.subscribe(board)["ok"] is True
    assert requests.get(f"{live.url}{API}/sites/bootle/board").status_code == 401
    assert requests.get(f"{live.url}{API}/sites/southport/board").ok


def test_a_client_resubscribes_after_a_server_restart(live: LiveServer) -> None:
    with LiveClient(live.url) as client:
        assert client.subscribe({"site": "bootle", "view": "board"})["ok"] is True
        live.stop()
        live.start()
        ack = client.next("resubscribed", timeout=20)
        assert ack["ok"] is True
        current = requests.get(f"{live.url}{API}/sites/bootle/board").json()["version"]
        assert ack["snapshot"]["version"] == current
        ticket(live, live.session(ADVISER))
        assert client.next("board")["version"] == current + 1
    assert client.connects == 2


def test_the_slow_refresh_resends_without_a_new_version(tmp_path: Path) -> None:
    url = database_for("sqlite", tmp_path)
    with (
        LiveServer(url, tmp_path, LIVE_TICK_S="1") as live,
        LiveClient(live.url) as client,
    ):
        snapshot = client.subscribe({"site": "bootle", "view": "board"})["snapshot"]
        refreshed = client.next("board", timeout=5)
    assert refreshed["version"] == snapshot["version"]
    assert refreshed["generated_at"] > snapshot["generated_at"]


def test_signing_out_disconnects_the_sessions_staff_view(shared_live: LiveServer) -> None:
    adviser = shared_live.session(ADVISER)
    with LiveClient(shared_live.url, http=adviser) as staff:
        assert staff.subscribe(STAFF)["ok"] is True
        assert adviser.post(f"{shared_live.url}{API}/auth/logout").status_code == 204
        assert_signed_out_live(staff, STAFF)


def test_revoking_a_device_disconnects_it_and_its_token_cannot_reconnect(
    shared_live: LiveServer,
) -> None:
    added = cli(
        shared_live.env, "device", "add", "--site", "bootle", "--kind", "display", "--name", "gone"
    )
    token = added.stdout.splitlines()[-1]
    manager = shared_live.session("bootle-manager")
    devices = manager.get(f"{shared_live.url}{API}/sites/bootle/devices").json()
    device_id = next(d["id"] for d in devices if d["name"] == "gone")
    with LiveClient(shared_live.url, token=token) as display:
        assert display.subscribe({"site": "bootle", "view": "board"})["ok"] is True
        revoked = manager.post(f"{shared_live.url}{API}/devices/{device_id}/revoke")
        assert revoked.status_code == 200, revoked.text
        display.next("disconnect")
        again = display.same_credentials()
        with pytest.raises(socketio.exceptions.ConnectionError):
            again.__enter__()
        assert again.next("connect_error") == {"message": "unknown or revoked device token"}
