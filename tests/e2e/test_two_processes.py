"""Two server processes sharing one database and one Redis channel, as deployed behind nginx.

A change handled by one process reaches the clients of the other through Redis; the slow
refresh stays with each process's own clients, so two processes do not double it; signing
out through one process closes that session's connections to the other."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    BOARD,
    STAFF,
    assert_signed_out_live,
    database_for,
    issue_ticket,
    shared_redis_env,
)
from tests.support.live_client import LiveClient
from tests.support.liveserver import LiveServer, cli

pytestmark = pytest.mark.server


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_servers(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Processes A and B on one emptied, migrated, seeded database, refreshing every second."""
    url = database_for(request.param, tmp_path)
    env = {**shared_redis_env(), "LIVE_TICK_S": "1"}
    with (
        LiveServer(url, tmp_path, **env) as a,
        LiveServer(url, tmp_path, seed=False, **env) as b,
    ):
        yield a, b


def test_change_made_through_one_process_reaches_a_client_of_the_other(
    two_servers: tuple[LiveServer, LiveServer],
) -> None:
    a, b = two_servers
    with LiveClient(b.url) as on_b:
        version = on_b.subscribe(BOARD)["snapshot"]["version"]
        issue_ticket(a.url)
        pushed = on_b.next("board", lambda board: board["version"] == version + 1)
    council_tax = next(s for s in pushed["services"] if s["code"] == "CT")
    assert council_tax["waiting"] == 1


def test_sites_load_from_the_command_line_reaches_the_screens_through_redis(
    tmp_path: Path,
) -> None:
    # No slow refresh within the test: the push must come from the command itself.
    env = {**shared_redis_env(), "LIVE_TICK_S": "600"}
    demo = (Path(__file__).parents[2] / "queue_service/demo/sites.toml").read_text()
    (tmp_path / "sites.toml").write_text(demo.replace('"Council Tax"', '"Council Tax Help"', 1))
    with (
        LiveServer(database_for("sqlite", tmp_path), tmp_path, **env) as server,
        LiveClient(server.url) as board,
    ):
        version = board.subscribe(BOARD)["snapshot"]["version"]
        loaded = cli(server.env, "sites", "load", str(tmp_path / "sites.toml"))
        assert loaded.returncode == 0, loaded.stderr
        pushed = board.next("board", lambda pushed: pushed["version"] == version + 1)
    assert "Council Tax Help" in {s["name"] for s in pushed["services"]}


def test_slow_refresh_comes_once_a_second_however_many_processes_run(
    two_servers: tuple[LiveServer, LiveServer],
) -> None:
    a, b = two_servers
    # A watcher on A starts A's refresh of the same board: if refreshes went through Redis,
    # the client on B would hear both processes, about twice a second.
    with LiveClient(a.url) as on_a, LiveClient(b.url) as on_b:
        on_a.subscribe(BOARD)
        version = on_b.subscribe(BOARD)["snapshot"]["version"]
        on_a.next("board")
        on_b.next("board")
        heard = on_b.drain(3.5)
    boards = [data for event, data in heard if event == "board"]
    assert 2 <= len(boards) <= 4, f"{len(boards)} refreshes in 3.5 s: {heard}"
    assert {board["version"] for board in boards} == {version}


def test_signing_out_through_one_process_disconnects_the_staff_view_on_the_other(
    two_servers: tuple[LiveServer, LiveServer],
) -> None:
    a, b = two_servers
    adviser = a.session("bootle-adviser")
    with LiveClient(b.url, http=adviser) as on_b:
        assert on_b.subscribe(STAFF)["ok"] is True
        assert adviser.post(f"{a.url}/api/v1/auth/logout", timeout=10).status_code == 204
        assert_signed_out_live(on_b, STAFF)


def test_a_call_made_through_one_process_reaches_the_phones_following_tickets_on_the_other(
    two_servers: tuple[LiveServer, LiveServer],
) -> None:
    # Ticket pushes never cross Redis: B hears A's board and tells its own phones.
    a, b = two_servers
    adviser = a.session("bootle-adviser")
    desk_id = a.desk_ids(adviser)["Desk 1"]
    assert adviser.post(f"{a.url}/api/v1/desks/{desk_id}/open", timeout=10).ok
    first, second = (
        adviser.post(f"{a.url}/api/v1/sites/bootle/tickets", json={"service": "CT"}).json()
        for _ in range(2)
    )
    with LiveClient(b.url) as phone, LiveClient(b.url) as second_phone:
        version = phone.subscribe({"ticket": first["token"]})["snapshot"]["version"]
        assert second_phone.subscribe({"ticket": second["token"]})["snapshot"]["position"] == 2
        called = adviser.post(f"{a.url}/api/v1/desks/{desk_id}/call-next", timeout=10)
        assert called.status_code == 200, called.text
        mine = phone.next("ticket", lambda pushed: pushed["version"] == version + 1)
        theirs = second_phone.next("ticket", lambda pushed: pushed["version"] == version + 1)
    assert (mine["status"], mine["desk"]) == ("called", "Desk 1")
    assert (theirs["status"], theirs["position"]) == ("waiting", 1)
