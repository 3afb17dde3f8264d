"""The database becomes unreachable under a running server (PostgreSQL behind a TCP forwarder
that the test cuts: open connections drop, new ones are refused), then comes back.

Meanwhile the API answers 503 `database_unavailable` in the error shape, Socket.IO refuses
with the same code, the kiosk says "Please see reception"; afterwards everything works again
without a restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from playwright.sync_api import Browser, expect
from sqlalchemy.engine import make_url

from tests.e2e.conftest import BOARD, STAFF, database_for
from tests.support.browser import CHROMIUM, SOCKETIO_JS, new_context, watch
from tests.support.live_client import LiveClient
from tests.support.liveserver import LiveServer
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.server, pytest.mark.postgres]

API = "/api/v1"


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[LiveServer, TcpProxy]]:
    """A seeded server whose PostgreSQL connections all pass through a TcpProxy."""
    direct = make_url(database_for("postgres", tmp_path))
    with TcpProxy(direct.host or "127.0.0.1", direct.port or 5432) as proxy:
        url = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
        with LiveServer(url, tmp_path) as server:
            yield server, proxy


def server_log(server: LiveServer) -> str:
    return (Path(server.env["QUEUE_INSTANCE_DIR"]) / f"server-{server.port}.log").read_text()


def assert_unavailable(response: requests.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "database_unavailable"
    assert "database" in error["message"] and "Traceback" not in response.text


def test_without_its_database_the_api_answers_503_and_recovers_by_itself(
    proxied: tuple[LiveServer, TcpProxy],
) -> None:
    server, proxy = proxied
    staff = server.session("bootle-adviser")
    desk = server.desk_ids(staff)["Desk 1"]
    kiosk = {"Authorization": f"Bearer {server.token('bootle', 'kiosk')}"}
    requests_to_try: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", f"{API}/sites/bootle/board", {}),
        ("GET", f"{API}/sites", {}),
        ("POST", f"{API}/sites/bootle/tickets", {"json": {"service": "CT"}, "headers": kiosk}),
        ("GET", f"{API}/sites/bootle/queue", {}),
        ("POST", f"{API}/desks/{desk}/open", {}),
        ("GET", "/healthz", {}),
    ]
    with LiveClient(server.url, http=staff) as live:
        assert live.subscribe(BOARD)["ok"] is True
        before = server_log(server)

        proxy.cut()
        for method, path, options in requests_to_try:
            assert_unavailable(staff.request(method, f"{server.url}{path}", timeout=10, **options))
        refused = live.sio.call("subscribe", STAFF, timeout=10)
        assert refused == {
            "ok": False,
            "code": "database_unavailable",
            "error": "the database does not answer; try again shortly",
        }
        assert "Traceback" not in server_log(server)[len(before) :]

        proxy.restore()
        assert staff.get(f"{server.url}/healthz", timeout=10).status_code == 200
        ticket = staff.post(
            f"{server.url}{API}/sites/bootle/tickets", json={"service": "CT"}, timeout=10
        )
        assert ticket.status_code == 201, ticket.text
        assert ticket.json()["number"] == "C001"
        assert live.subscribe(STAFF)["ok"] is True
        assert live.connects == 1


def test_a_device_connecting_while_the_database_is_away_is_told_why(
    proxied: tuple[LiveServer, TcpProxy],
) -> None:
    server, proxy = proxied
    proxy.cut()
    client = LiveClient(server.url, token=server.token("bootle", "display"))
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.__enter__()
    assert client.next("connect_error") == {
        "message": "the database does not answer; try again shortly"
    }
    proxy.restore()
    with LiveClient(server.url, token=server.token("bootle", "display")) as display:
        assert display.subscribe(BOARD)["ok"] is True


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's chromium is missing ({CHROMIUM})")
@pytest.mark.skipif(not SOCKETIO_JS.exists(), reason="run `make vendor` (npm ci)")
def test_the_kiosk_says_see_reception_while_the_database_is_away_then_issues_again(
    browser: Browser, proxied: tuple[LiveServer, TcpProxy]
) -> None:
    server, proxy = proxied
    context = new_context(browser, server.url, viewport={"width": 800, "height": 1280})
    page = context.new_page()
    errors = watch(page)
    page.goto(f"/kiosk/bootle?pair={server.token('bootle', 'kiosk')}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")

    proxy.cut()
    page.get_by_role("button", name="General Enquiries").click()
    expect(page.locator("#message-text")).to_have_text(
        "Sorry, no ticket was issued. Please see reception."
    )
    page.get_by_role("button", name="Take a ticket without an appointment").click()

    proxy.restore()
    page.get_by_role("button", name="General Enquiries").click()
    expect(page.locator("#ticket-number")).to_have_text("G001")
    context.close()
    assert errors == []
