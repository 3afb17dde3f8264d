"""The shared browser module (`queue_service/static/live.js`) in Debian's Chromium against a real
server: it goes live with the acknowledged snapshot, follows changes, drops stale snapshots,
routes `called` and ticket pushes, reports refusals, and resubscribes by itself after a restart
(believing the server's answer then, even an older one).

Each test opens `/healthz` (a page of the server's own origin, which Socket.IO
requires) and drives the module through `page.evaluate`; what it draws is kept on `window`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import database_for
from tests.support.browser import requires_browser
from tests.support.liveserver import LiveServer

pytestmark = requires_browser

API = "/api/v1"
ADVISER = "bootle-adviser"
BOARD = {"site": "bootle", "view": "board"}
WAIT_MS = 15_000
# Socket.IO retries with growing delays (up to 5 s, randomised), after a server start of its own.
RECONNECT_MS = 30_000

# The page keeps one connection and, per name, a subscription whose last snapshot the module
# exposes; `called` announcements (with the name they reached) and refusals are collected for
# the tests to read.
SETUP = """async () => {
    const { connect } = await import("/static/live.js");
    window.states = [];
    window.calls = [];
    window.refusals = [];
    window.subscriptions = {};
    window.live = connect({ onState: (state) => window.states.push(state) });
}"""
SUBSCRIBE = """([name, payload]) => {
    window.subscriptions[name] = window.live.subscribe(payload, {
        onCalled: (call) => window.calls.push([name, call]),
        onError: (refusal) => window.refusals.push(refusal),
    });
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the whole module: every start costs seconds."""
    tmp_path = tmp_path_factory.mktemp("browser")
    with LiveServer(database_for("sqlite", tmp_path), tmp_path) as live:
        yield live


@pytest.fixture
def page(browser: Browser, server: LiveServer) -> Iterator[Page]:
    """A fresh page on the server's origin with the module connected; an uncaught error in the
    page fails the test."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.url}/healthz")
    page.evaluate(SETUP)
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def adviser(server: LiveServer) -> requests.Session:
    return server.session(ADVISER)


def subscribe(page: Page, name: str, payload: dict[str, Any]) -> None:
    page.evaluate(SUBSCRIBE, [name, payload])


def snapshot_at(page: Page, name: str, version: int, timeout: float = WAIT_MS) -> Any:
    """The subscription's snapshot once it has reached `version`."""
    page.wait_for_function(
        "([name, version]) => window.subscriptions[name].snapshot?.version === version",
        arg=[name, version],
        timeout=timeout,
    )
    return page.evaluate("(name) => window.subscriptions[name].snapshot", name)


def board_version(server: LiveServer) -> int:
    version: int = requests.get(f"{server.url}{API}/sites/bootle/board", timeout=10).json()[
        "version"
    ]
    return version


def issue_ticket(server: LiveServer, http: requests.Session, service: str = "CT") -> Any:
    response = http.post(
        f"{server.url}{API}/sites/bootle/tickets", json={"service": service}, timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()


def waiting_for(board: dict[str, Any], code: str) -> int:
    waiting: int = next(s["waiting"] for s in board["services"] if s["code"] == code)
    return waiting


def test_a_board_goes_live_with_its_snapshot_and_follows_a_change(
    server: LiveServer, page: Page, adviser: requests.Session
) -> None:
    version = board_version(server)
    subscribe(page, "board", BOARD)
    first = snapshot_at(page, "board", version)
    assert page.evaluate("() => [window.live.state, window.states]") == ["live", ["live"]]

    issue_ticket(server, adviser)

    pushed = snapshot_at(page, "board", version + 1)
    assert waiting_for(pushed, "CT") == waiting_for(first, "CT") + 1


def test_an_older_snapshot_is_dropped_and_an_equal_one_is_a_refresh(
    server: LiveServer, page: Page
) -> None:
    version = board_version(server)
    subscribe(page, "board", BOARD)
    snapshot_at(page, "board", version)

    # Handed to the module exactly as the socket hands it every push.
    deliver = """([site, version, generatedAt]) => {
        const board = window.subscriptions.board.snapshot;
        window.live.receive("board", {
            ...board, site: { ...board.site, slug: site }, version, generated_at: generatedAt,
        });
        return window.subscriptions.board.snapshot.generated_at;
    }"""
    # A push that lost a race with a newer one is not drawn.
    assert page.evaluate(deliver, ["bootle", version - 1, "older"]) != "older"
    # The server's refresh repeats the version with a newer `generated_at`: drawn.
    assert page.evaluate(deliver, ["bootle", version, "refreshed"]) == "refreshed"
    # Another site's board is not this subscription's business.
    assert page.evaluate(deliver, ["southport", version + 5, "elsewhere"]) == "refreshed"


def test_a_ticket_hears_it_is_called_and_the_board_announces_it(
    server: LiveServer, page: Page, adviser: requests.Session
) -> None:
    mine = issue_ticket(server, adviser, "HOU")
    version = board_version(server)
    subscribe(page, "ticket", {"ticket": mine["token"]})
    subscribe(page, "board", BOARD)
    subscribe(page, "elsewhere", {"site": "southport", "view": "board"})
    assert snapshot_at(page, "ticket", version)["status"] == "waiting"

    desk = server.desk_ids(adviser)["Desk 4"]
    assert adviser.post(f"{server.url}{API}/desks/{desk}/open", timeout=10).ok
    called = adviser.post(f"{server.url}{API}/visits/{mine['id']}/call", json={"desk": desk})
    assert called.status_code == 200, called.text

    ticket = snapshot_at(page, "ticket", version + 2)
    assert (ticket["number"], ticket["status"], ticket["desk"]) == (
        mine["number"],
        "called",
        "Desk 4",
    )
    # Both boards' handlers would run in the same tick, so one call means one board heard it.
    page.wait_for_function("() => window.calls.length > 0")
    assert page.evaluate("() => window.calls.map(([name, call]) => [name, call.text])") == [
        ["board", f"Ticket {mine['number']}, please go to Desk 4"]
    ]


def test_a_refused_subscription_is_reported_and_the_connection_stays_live(
    server: LiveServer, page: Page
) -> None:
    subscribe(page, "staff", {"site": "bootle", "view": "staff"})
    page.wait_for_function("() => window.refusals.length === 1")
    refusal = page.evaluate("() => window.refusals[0]")
    assert (refusal["ok"], refusal["code"]) == (False, "not_authenticated")
    assert page.evaluate("() => [window.live.state, window.subscriptions.staff.snapshot]") == [
        "live",
        None,
    ]


def test_a_refused_device_goes_offline_with_the_servers_reason(page: Page) -> None:
    page.evaluate("""async () => {
        const { connect } = await import("/static/live.js");
        window.refused = [];
        connect({ token: "not-a-device", onState: (...change) => window.refused.push(change) });
    }""")
    page.wait_for_function("() => window.refused.length > 0")
    assert page.evaluate("() => window.refused") == [["offline", "unknown or revoked device token"]]


def test_after_a_server_restart_the_module_resubscribes_by_itself(
    server: LiveServer, page: Page, adviser: requests.Session
) -> None:
    version = board_version(server)
    subscribe(page, "board", BOARD)
    snapshot_at(page, "board", version)

    server.stop()
    page.wait_for_function("() => window.live.state === 'reconnecting'")
    server.start()
    page.wait_for_function("() => window.live.state === 'live'", timeout=RECONNECT_MS)

    # Only the new process can push this change, and only to a connection that subscribed.
    issue_ticket(server, adviser)
    snapshot_at(page, "board", version + 1)
    assert page.evaluate("() => window.states") == ["live", "reconnecting", "live"]


def test_after_a_reconnect_the_servers_snapshot_wins_even_an_older_one(
    server: LiveServer, page: Page, adviser: requests.Session, tmp_path: Path
) -> None:
    # Holding on to the higher version would freeze the screen until the site caught up.
    database = Path(server.env["DATABASE_URL"].removeprefix("sqlite:///"))
    version = board_version(server)
    copy_database(database, tmp_path / "backup.db")
    subscribe(page, "board", BOARD)
    issue_ticket(server, adviser)
    snapshot_at(page, "board", version + 1)

    server.stop()
    copy_database(tmp_path / "backup.db", database)  # restored from last night's backup
    server.start()

    snapshot_at(page, "board", version, timeout=RECONNECT_MS)


def copy_database(source: Path, target: Path) -> None:
    """Copy a SQLite database, its write-ahead log included."""
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as writing:
        reading.backup(writing)
