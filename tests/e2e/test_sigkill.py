"""The server killed with SIGKILL in the middle of a busy day, then started again on the same
database: nothing committed is lost, ticket numbers go on without reuse or gap, and screens,
phones and staff views reconnect by themselves and show what the database holds."""

from __future__ import annotations

import signal
import threading
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, expect
from sqlalchemy import text

from queue_service import db
from tests.e2e.conftest import BOARD, STAFF
from tests.support.browser import CHROMIUM, SOCKETIO_JS, new_context, watch
from tests.support.live_client import LiveClient
from tests.support.liveserver import LiveServer

pytestmark = pytest.mark.server

API = "/api/v1"
RECONNECT_S = 30


class Staff:
    """The demo adviser at work through the API."""

    def __init__(self, server: LiveServer) -> None:
        self.url = f"{server.url}{API}"
        self.http = server.session("bootle-adviser")
        self.desks = server.desk_ids(self.http)

    def post(self, path: str, status: int = 200, **body: Any) -> Any:
        response = self.http.post(f"{self.url}{path}", json=body, timeout=10)
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    def ticket(self, service: str) -> Any:
        return self.post("/sites/bootle/tickets", 201, service=service)

    def call_next(self, desk: str) -> Any:
        return self.post(f"/desks/{self.desks[desk]}/call-next")

    def act(self, visit: Any, action: str) -> Any:
        return self.post(f"/visits/{visit['id']}/{action}")


def busy_day(staff: Staff) -> dict[str, Any]:
    """Visits in every state at Bootle: done, no_show, serving, called, left, cancelled,
    waiting walk-ins, checked-in appointments waiting, and a booking not yet checked in.
    Returns a waiting ticket (for a phone to follow)."""
    now = datetime.now(UTC)
    references = []
    for minutes in (-3, 25, 40):
        booked = staff.post(
            "/sites/bootle/appointments",
            201,
            service="BEN",
            scheduled_at=(now + timedelta(minutes=minutes)).isoformat(),
            customer_name="A Resident",
        )
        references.append(booked["reference"])
    for reference in references[:2]:
        staff.post("/sites/bootle/check-in", 201, reference=reference)
    tickets = [staff.ticket(service) for service in ("CT", "CT", "GEN", "CT", "HOU", "CT")]
    tickets += [staff.ticket(service) for service in ("BBP", "GEN", "CT", "TAXI")]
    for desk in ("Desk 1", "Desk 2", "Desk 3"):
        staff.post(f"/desks/{staff.desks[desk]}/open")

    done = staff.call_next("Desk 1")
    staff.act(done, "start")
    staff.act(done, "complete")
    staff.act(staff.call_next("Desk 1"), "no-show")
    staff.act(staff.call_next("Desk 1"), "start")  # serving
    staff.call_next("Desk 2")  # called
    staff.act(staff.call_next("Desk 3"), "start")  # the due appointment, serving
    assert requests.post(f"{staff.url}/tickets/{tickets[-1]['token']}/leave", timeout=10).ok
    staff.post(f"/visits/{tickets[-2]['id']}/cancel")
    waiting: dict[str, Any] = staff.http.get(f"{staff.url}/tickets/{tickets[-3]['token']}").json()
    assert waiting["status"] == "waiting", waiting
    return waiting


def database_state(url: str) -> dict[str, Any]:
    """Everything the day wrote: every visit and appointment row, the event log, the
    counters and the site's version."""
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:

            def rows(sql: str) -> list[dict[str, Any]]:
                return [dict(row._mapping) for row in connection.execute(text(sql))]

            return {
                "visits": rows("SELECT * FROM visit ORDER BY id"),
                "events": rows("SELECT * FROM visit_event ORDER BY id"),
                "appointments": rows("SELECT * FROM appointment ORDER BY id"),
                "counters": rows("SELECT * FROM ticket_counter ORDER BY prefix, local_date"),
                "version": connection.execute(
                    text("SELECT version FROM site WHERE slug = 'bootle'")
                ).scalar_one(),
            }
    finally:
        engine.dispose()


def kill(server: LiveServer) -> None:
    assert server.process is not None
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=10)
    assert server.process.returncode == -signal.SIGKILL


class Kiosk(threading.Thread):
    """Takes Council Tax tickets as fast as the server answers, until told to stop; keeps
    the numbers the server acknowledged. Failures (the server gone) are expected."""

    def __init__(self, server: LiveServer) -> None:
        super().__init__(daemon=True)
        self.url = f"{server.url}{API}/sites/bootle/tickets"
        self.headers = {"Authorization": f"Bearer {server.token('bootle', 'kiosk')}"}
        self.issued: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with requests.Session() as http:
            while not self.stop.is_set():
                try:
                    response = http.post(
                        self.url, json={"service": "CT"}, headers=self.headers, timeout=5
                    )
                except requests.RequestException:
                    continue
                if response.status_code == 201:
                    self.issued.append(response.json()["number"])


def assert_numbered_without_gaps(visits: list[dict[str, Any]]) -> None:
    by_prefix: dict[str, list[int]] = defaultdict(list)
    for visit in visits:
        by_prefix[visit["number_prefix"]].append(visit["number_seq"])
    for prefix, numbers in by_prefix.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), prefix


def test_after_sigkill_nothing_is_lost_numbers_go_on_and_clients_see_the_truth(
    live: LiveServer,
) -> None:
    staff = Staff(live)
    waiting = busy_day(staff)
    url = live.env["DATABASE_URL"]
    with (
        LiveClient(live.url, token=live.token("bootle", "display")) as board,
        LiveClient(live.url, http=staff.http) as reception,
        LiveClient(live.url) as phone,
    ):
        assert board.subscribe(BOARD)["ok"] and reception.subscribe(STAFF)["ok"]
        assert phone.subscribe({"ticket": waiting["token"]})["ok"]
        before = database_state(url)
        statuses = {visit["status"] for visit in before["visits"]}
        assert statuses == {"waiting", "called", "serving", "done", "no_show", "left", "cancelled"}

        kiosk = Kiosk(live)
        kiosk.start()
        while len(kiosk.issued) < 5:
            kiosk.join(0.05)
        kill(live)
        kiosk.stop.set()
        kiosk.join()
        live.start()

        after = database_state(url)
        # What was there before the kiosk started is there unchanged, to the last column.
        assert after["visits"][: len(before["visits"])] == before["visits"]
        assert after["events"][: len(before["events"])] == before["events"]
        assert after["appointments"] == before["appointments"]
        # Every ticket the kiosk was given exists, once; the numbers have no gap.
        numbers = [f"{v['number_prefix']}{v['number_seq']:03d}" for v in after["visits"]]
        assert len(numbers) == len(set(numbers))
        assert set(kiosk.issued) <= set(numbers)
        assert_numbered_without_gaps(after["visits"])

        # Each client resubscribed by itself and was given what the database holds.
        truth = after["version"]
        board_ack = board.next("resubscribed", timeout=RECONNECT_S)
        staff_ack = reception.next("resubscribed", timeout=RECONNECT_S)
        phone_ack = phone.next("resubscribed", timeout=RECONNECT_S)
        for ack in (board_ack, staff_ack, phone_ack):
            assert ack["ok"] is True and ack["snapshot"]["version"] == truth
        visits = after["visits"]
        at_desks = {visit_number(v) for v in visits if v["status"] in ("called", "serving")}
        assert {c["number"] for c in board_ack["snapshot"]["calling"]} == at_desks
        queued = [*staff_ack["snapshot"]["walk_ins"], *staff_ack["snapshot"]["appointments"]]
        assert {v["number"] for v in queued} == {
            visit_number(v) for v in visits if v["status"] == "waiting"
        }
        assert phone_ack["snapshot"]["status"] == "waiting"
        assert phone_ack["snapshot"]["number"] == waiting["number"]

        # The numbering goes on from the last ticket issued, and the screens hear of it.
        last_ct = max(v["number_seq"] for v in visits if v["number_prefix"] == "C")
        assert staff.ticket("CT")["number"] == f"C{last_ct + 1:03d}"
        assert board.next("board", lambda b: b["version"] == truth + 1)
    assert (board.connects, reception.connects, phone.connects) == (2, 2, 2)


def visit_number(visit: dict[str, Any]) -> str:
    return f"{visit['number_prefix']}{visit['number_seq']:03d}"


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's chromium is missing ({CHROMIUM})")
@pytest.mark.skipif(not SOCKETIO_JS.exists(), reason="run `make vendor` (npm ci)")
def test_after_sigkill_the_display_and_the_kiosk_come_back_by_themselves(
    browser: Browser, demo_server: LiveServer
) -> None:
    server = demo_server
    staff = Staff(server)
    busy_day(staff)
    context = new_context(browser, server.url, viewport={"width": 1920, "height": 1080})
    display, kiosk = context.new_page(), context.new_page()
    errors = watch(display) + watch(kiosk)
    display.goto(f"/display/bootle?pair={server.token('bootle', 'display')}")
    kiosk.goto(f"/kiosk/bootle?pair={server.token('bootle', 'kiosk')}")
    for page in (display, kiosk):
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")

    kill(server)
    for page in (display, kiosk):
        expect(page.locator("#connection")).to_have_attribute("data-state", "reconnecting")
    server.start()

    for page in (display, kiosk):
        expect(page.locator("#connection")).to_have_attribute(
            "data-state", "live", timeout=RECONNECT_S * 1000
        )
    visits = database_state(server.env["DATABASE_URL"])["visits"]
    *earlier, latest = sorted((v for v in visits if v["called_at"]), key=lambda v: v["called_at"])
    expect(display.locator("#latest")).to_contain_text(visit_number(latest))
    for visit in earlier:
        expect(display.locator("#recent")).to_contain_text(visit_number(visit))
    last_g = max(v["number_seq"] for v in visits if v["number_prefix"] == "G")
    kiosk.get_by_role("button", name="General Enquiries").click()
    expect(kiosk.locator("#ticket-number")).to_have_text(f"G{last_g + 1:03d}")
    context.close()
    assert errors == []
