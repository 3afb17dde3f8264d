"""The staff app in Chromium against a real server: reception and two desks signed in side by
side, with a lobby display open. The tests run in order on one server (module-scoped), each
leaving the queue as the next expects."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import database_for
from tests.support.browser import (
    axe_violations,
    describe,
    new_context,
    requires_browser,
    screenshot,
    watch,
)
from tests.support.liveserver import LiveServer

pytestmark = requires_browser
PASSWORD = "onestop-demo"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo server, allowed to shift staff pages' clocks (`?clock_offset_s=`), so the
    2-minute clock can be seen turning amber and red without waiting."""
    tmp_path = tmp_path_factory.mktemp("staff")
    with LiveServer(database_for("sqlite", tmp_path), tmp_path, STAFF_CLOCK_OFFSETS="1") as live:
        yield live


@pytest.fixture(scope="module")
def contexts(browser: Browser, demo_server: LiveServer) -> Iterator[dict[str, BrowserContext]]:
    """Three staff browsers (reception, an adviser at Desk 1, a manager at Desk 2), signed in
    once for the module."""
    opened = {}
    for who in ("reception", "adviser", "manager"):
        context = new_context(browser, demo_server.url)
        page = context.new_page()
        page.goto("/staff/login")
        page.get_by_label("Username").fill(f"bootle-{who}")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/staff/login" not in url)
        page.close()
        opened[who] = context
    yield opened
    for context in opened.values():
        context.close()


@pytest.fixture
def staff_page(contexts: dict[str, BrowserContext]) -> Iterator[Any]:
    """Open a page as one of the staff; uncaught errors and CSP violations fail the test."""
    pages: list[tuple[Page, list[str]]] = []

    def open_page(who: str, path: str) -> Page:
        page = contexts[who].new_page()
        page.set_default_timeout(15_000)
        pages.append((page, watch(page)))
        page.goto(path)
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        return page

    yield open_page
    for page, errors in pages:
        page.close()
        assert errors == []


def api(server: LiveServer, who: str) -> requests.Session:
    return server.session(f"bootle-{who}")


def issue(server: LiveServer, service: str = "CT") -> dict[str, Any]:
    with api(server, "reception") as http:
        response = http.post(f"{server.url}/api/v1/sites/bootle/tickets", json={"service": service})
        response.raise_for_status()
        return response.json()


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_sign_in_lands_each_role_on_its_view(page: Page) -> None:
    page.goto("/staff")
    expect(page).to_have_url(re.compile(r"/staff/login\?next=/staff$"))
    assert_accessible(page)
    page.get_by_label("Username").fill("bootle-manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Choose a site")).to_be_visible()
    page.wait_for_load_state("load")  # the page's module has run: sign-out is wired
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/staff/login")
    page.goto("/staff/bootle/reception")
    expect(page).to_have_url(re.compile(r"/staff/login\?next=/staff/bootle/reception$"))


def test_reception_sees_the_2_minute_clock_turn_amber_then_red_and_greets(
    staff_page: Any, demo_server: LiveServer
) -> None:
    reception = staff_page("reception", "/staff/bootle/reception")
    reception.get_by_label("Service").first.select_option("BEN")
    reception.get_by_role("button", name="Issue ticket").click()
    expect(reception.locator("#message")).to_contain_text("Ticket B001 issued")
    arrival = reception.locator("#not-greeted li", has_text="B001")
    expect(arrival.locator(".clock")).to_have_attribute("data-level", "ok")

    for offset, level in ((95, "amber"), (125, "red")):
        later = staff_page("reception", f"/staff/bootle/reception?clock_offset_s={offset}")
        clock = later.locator("#not-greeted li", has_text="B001").locator(".clock")
        expect(clock).to_have_attribute("data-level", level)
    assert_accessible(later)
    screenshot(later, "staff-reception")

    arrival.get_by_role("button", name="Greet").click()
    expect(reception.locator("#not-greeted li", has_text="B001")).to_have_count(0)
    expect(reception.locator("#walk-in-queue li", has_text="B001")).to_be_visible()


def test_a_desk_calls_next_starts_and_completes_and_the_display_shows_the_call(
    staff_page: Any, page: Page, demo_server: LiveServer
) -> None:
    page.goto(f"/display/bootle?pair={demo_server.token('bootle', 'display')}")
    desk = staff_page("adviser", "/staff/bootle/desk")
    desk.get_by_role("combobox", name="Your desk").select_option(label="Desk 1")
    desk.get_by_role("button", name="Open desk").click()
    expect(desk.locator("#desk-state")).to_have_text("Desk 1 is open")
    desk.get_by_role("button", name="Call next").click()
    expect(desk.locator("#current-number")).to_have_text("B001")
    expect(desk.locator("#current-service")).to_have_text("Benefits")
    expect(page.locator("main")).to_contain_text("B001")
    assert_accessible(desk)
    screenshot(desk, "staff-desk")

    desk.get_by_role("button", name="Start").click()
    expect(desk.locator("#current-status")).to_have_text("being served")
    expect(desk.locator("#current-waited")).not_to_be_empty()
    desk.get_by_role("button", name="Complete").click()
    expect(desk.locator("#current")).to_be_hidden()


def test_two_desks_calling_the_same_person_show_the_conflict_to_one(
    staff_page: Any, demo_server: LiveServer
) -> None:
    wanted = issue(demo_server, "CT")["number"]
    desks = []
    for who, name in (("adviser", "Desk 1"), ("manager", "Desk 2")):
        desk = staff_page(who, "/staff/bootle/desk")
        desk.get_by_role("combobox", name="Your desk").select_option(label=name)
        if desk.get_by_role("button", name="Open desk").is_visible():
            desk.get_by_role("button", name="Open desk").click()
        expect(desk.locator("#desk-state")).to_have_text(f"{name} is open")
        desk.get_by_label("Reason for calling out of turn").fill("interpreter is here")
        expect(desk.get_by_role("button", name=f"Call {wanted}")).to_be_visible()
        desks.append(desk)

    # Both press at one moment of the shared clock, half a second ahead: pressing one after
    # the other let the first call's push take the button off a busy machine's second page.
    at = time.time() * 1000 + 500
    for desk in desks:
        desk.get_by_role("button", name=f"Call {wanted}").evaluate(
            "(button, at) => setTimeout(() => button.click(), at - Date.now())", at
        )

    messages = []
    for desk in desks:
        expect(desk.locator("#message")).not_to_be_empty()
        messages.append(desk.locator("#message").inner_text())
    assert sorted(messages) == [
        f"Called {wanted}",
        f"Not done: another desk has already called {wanted}.",
    ]
    winner = desks[messages.index(f"Called {wanted}")]
    loser = desks[1 - desks.index(winner)]
    expect(winner.locator("#current-number")).to_have_text(wanted)
    expect(loser.locator("#current")).to_be_hidden()
    expect(loser.locator("#waiting li", has_text=wanted)).to_have_count(0)
    winner.get_by_role("button", name="No-show").click()
    expect(winner.locator("#current")).to_be_hidden()


def test_an_adviser_cannot_open_manager_pages(
    contexts: dict[str, BrowserContext], demo_server: LiveServer
) -> None:
    for path in ("/staff/reports", "/staff/bootle/team"):
        assert contexts["adviser"].request.get(f"{demo_server.url}{path}").status == 403, path
    assert (
        "Not allowed"
        in contexts["adviser"].request.get(f"{demo_server.url}/staff/bootle/team").text()
    )
    manager = contexts["manager"].new_page()
    assert manager.goto("/staff/bootle/team").status == 200
    expect(manager.get_by_role("cell", name="adviser", exact=True)).to_be_visible()
    assert_accessible(manager)
    manager.close()


def test_a_change_without_the_csrf_token_is_refused(staff_page: Any) -> None:
    desk = staff_page("adviser", "/staff/bootle/desk")
    status = desk.evaluate(
        """async () => (await fetch("/api/v1/sites/bootle/tickets", {method: "POST",
            headers: {"Content-Type": "application/json"},
            body: JSON.stringify({service: "CT"})})).status"""
    )
    assert status == 403


def test_closing_the_day_by_hand_ends_the_stragglers_as_closed(
    staff_page: Any, demo_server: LiveServer
) -> None:
    stragglers = [issue(demo_server, "GEN"), issue(demo_server, "HOU")]
    reception = staff_page("reception", "/staff/bootle/reception")
    reception.get_by_role("button", name="Close the day…").click()
    expect(reception.locator("#close-question")).to_contain_text("2 waiting and 0 called")
    assert_accessible(reception)
    reception.get_by_role("button", name="Close the day now").click()
    expect(reception.locator("#message")).to_have_text("Day closed: 2 closed")
    for visit in stragglers:
        status = requests.get(f"{demo_server.url}/api/v1/tickets/{visit['token']}", timeout=10)
        assert status.json()["status"] == "closed"


def test_reception_imports_books_checks_in_triages_and_posts_a_notice(
    staff_page: Any, demo_server: LiveServer
) -> None:
    with api(demo_server, "adviser") as http:
        desk_3 = demo_server.desk_ids(http)["Desk 3"]
        http.post(f"{demo_server.url}/api/v1/desks/{desk_3}/open").raise_for_status()
    for _ in range(2):
        issue(demo_server, "HOU")
    soon = datetime.now(UTC) + timedelta(minutes=5)
    reception = staff_page("reception", "/staff/bootle/reception")

    suggestion = reception.locator("#delay-suggestion")
    expect(suggestion).to_contain_text("Housing")
    expect(suggestion).to_contain_text("Post a delay notice?")
    reception.get_by_role("button", name="Post notice").click()
    expect(reception.locator("#message")).to_have_text("Notice posted")
    expect(reception.locator("#current-notice")).to_contain_text("busier than usual")
    expect(suggestion).to_be_hidden()
    reception.get_by_role("button", name="Clear notice").click()
    expect(reception.locator("#current-notice")).to_be_empty()

    csv = (
        "site,service,reference,scheduled_at,customer_name\n"
        f"bootle,CT,GRACE1,{soon.isoformat(timespec='seconds')},Grace Hopper\n"
    )
    reception.locator("#import-file").set_input_files(
        files=[{"name": "day.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    reception.get_by_role("button", name="Import").click()
    expect(reception.locator("#message")).to_have_text("1 added, 0 updated, 0 unchanged")
    expect(reception.locator("#appointments")).to_contain_text("Grace Hopper")

    reception.locator("#book-service").select_option("GEN")
    reception.get_by_label("Date and time").fill(soon.astimezone().strftime("%Y-%m-%dT%H:%M"))
    reception.locator("#book-name").fill("Ada Lovelace")
    reception.get_by_role("button", name="Book", exact=True).click()
    expect(reception.locator("#message")).to_contain_text("Booked: reference")
    reception.get_by_role("button", name=re.compile("^Check in Ada Lovelace")).click()
    expect(reception.locator("#message")).to_contain_text("checked in")
    reception.get_by_role("textbox", name="Reference").fill("grace1")
    reception.locator("#checkin-form").get_by_role("button", name="Check in").click()
    expect(reception.locator("#appointments tr", has_text="Grace Hopper")).to_contain_text(
        "checked in"
    )

    arrival = reception.locator("#not-greeted li", has_text="Grace Hopper")
    arrival.get_by_text("Triage").click()
    arrival.get_by_label("Service").select_option("BEN")
    arrival.get_by_label("Note").fill("brought the letter")
    arrival.get_by_label("Needs (comma-separated)").fill("hearing loop")
    arrival.get_by_role("button", name="Greet and save").click()
    expect(reception.locator("#not-greeted li", has_text="Grace Hopper")).to_have_count(0)
    queued = reception.locator("#appointment-queue li", has_text="Grace Hopper")
    expect(queued).to_contain_text("Benefits")
    expect(queued).to_contain_text("hearing loop")
    assert_accessible(reception)
