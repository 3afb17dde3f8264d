"""The kiosk (/kiosk/<site>) in Debian's Chromium against one real seeded server: walk-in and
extra-help tickets, appointment check-in, languages, accessibility, and resilience."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Page, expect

from queue_service.cli import DEMO_HOURS
from tests.support.browser import axe_violations, describe, requires_browser, screenshot
from tests.support.liveserver import LiveServer, cli

pytestmark = requires_browser

PORTRAIT = {"width": 800, "height": 1280}


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def open_kiosk(page: Page, server: LiveServer, language: str = "en") -> None:
    page.set_viewport_size(PORTRAIT)
    page.goto(f"/kiosk/bootle?pair={server.token('bootle', 'kiosk')}&lang={language}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")


def staff(server: LiveServer, username: str = "bootle-reception") -> requests.Session:
    """A signed-in staff session that sends the CSRF token back when the server hands one."""
    http = server.session(username)
    me = http.get(f"{server.url}/api/v1/auth/me", timeout=10).json()
    if me.get("csrf_token"):
        http.headers["X-CSRF-Token"] = me["csrf_token"]
    return http


def waiting_visits(server: LiveServer) -> list[dict[str, Any]]:
    """Both queues as reception sees them."""
    with staff(server) as http:
        response = http.get(f"{server.url}/api/v1/sites/bootle/queue", timeout=10)
        response.raise_for_status()
        queue = response.json()
    return [*queue["walk_ins"], *queue["appointments"]]


def test_a_walk_in_takes_a_ticket_with_one_tap(page: Page, demo_server: LiveServer) -> None:
    open_kiosk(page, demo_server)
    assert_accessible(page)
    screenshot(page, "kiosk-start-en")

    page.get_by_role("button", name="Council Tax").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your ticket number is")
    number = page.locator("#ticket-number")
    expect(number).to_have_text(re.compile(r"^C\d+$"))
    expect(page.locator("#ticket-service")).to_have_text("Council Tax")
    expect(page.locator("#ticket-ahead")).to_have_text("You are next.")
    expect(page.locator("#ticket-estimate")).to_contain_text("minutes")
    expect(page.locator("#timeout")).to_contain_text("Going back to the start in")
    qr = page.locator("#ticket-qr")
    expect(qr).to_be_visible()
    expect(qr).to_have_js_property("complete", True)
    assert qr.evaluate("img => img.naturalWidth") > 0
    assert_accessible(page)
    screenshot(page, "kiosk-ticket-en")

    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What have you come for")


def test_the_extra_help_step_makes_a_priority_ticket_with_the_needs(
    page: Page, demo_server: LiveServer
) -> None:
    open_kiosk(page, demo_server)

    page.get_by_role("button", name="I need extra help").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What help do you need?")
    page.get_by_role("button", name="Wheelchair access").click()
    page.get_by_role("button", name="An interpreter").click()
    expect(page.get_by_role("button", name="Wheelchair access")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert_accessible(page)
    screenshot(page, "kiosk-help-en")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#needs-chosen")).to_have_text(
        "Extra help: Wheelchair access, An interpreter"
    )
    page.get_by_role("button", name="Benefits").click()

    number = page.locator("#ticket-number")
    expect(number).to_have_text(re.compile(r"^B"))
    visit = next(v for v in waiting_visits(demo_server) if v["number"] == number.inner_text())
    assert visit["priority"] is True
    assert visit["needs"] == ["wheelchair", "interpreter"]


def book(server: LiveServer, at: datetime) -> str:
    """A Council Tax appointment at `at`, booked by reception; its reference."""
    with staff(server) as http:
        response = http.post(
            f"{server.url}/api/v1/sites/bootle/appointments",
            json={"service": "CT", "scheduled_at": at.isoformat()},
            timeout=10,
        )
    assert response.status_code == 201, response.text
    reference: str = response.json()["reference"]
    return reference


def check_in(page: Page, reference: str, *, scanner: bool = False) -> None:
    page.get_by_role("button", name="I have an appointment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check in for your appointment")
    if scanner:
        # A barcode scanner types the reference and Enter into the focused field.
        page.keyboard.type(reference)
        page.keyboard.press("Enter")
        return
    for key in reference:
        page.locator(f"[data-key='{key}']").click()
    page.get_by_role("button", name="Check in", exact=True).click()


def test_appointments_check_in_on_time_early_late_or_not_at_all(
    page: Page, demo_server: LiveServer
) -> None:
    now = datetime.now(UTC)
    local = now.astimezone(ZoneInfo("Europe/London"))
    if not (local.replace(hour=1) < local < local.replace(hour=23)):
        pytest.skip("the bookings must all fall on today in Europe/London: run after 01:00")
    on_time, early, late = (
        book(demo_server, now + delta)
        for delta in (timedelta(minutes=1), timedelta(minutes=45), timedelta(minutes=-40))
    )
    tomorrow = book(demo_server, now + timedelta(days=1))
    open_kiosk(page, demo_server)

    check_in(page, on_time)
    expect(page.locator("#ticket-message")).to_contain_text("You are checked in.")
    expect(page.locator("#ticket-number")).to_have_text(re.compile(r"^C"))
    page.get_by_role("button", name="Finish").click()

    check_in(page, early, scanner=True)
    expect(page.locator("#ticket-message")).to_contain_text(
        "Please take a seat; we'll call you at your time."
    )
    assert_accessible(page)
    screenshot(page, "kiosk-check-in-early-en")
    page.get_by_role("button", name="Finish").click()

    check_in(page, late)
    expect(page.locator("#ticket-message")).to_contain_text(
        "We have added you to the queue for customers without an appointment"
    )
    page.get_by_role("button", name="Finish").click()

    check_in(page, "ZZZ999")
    expect(page.locator("#message-text")).to_have_text(
        "We could not find the booking reference ZZZ999. Please check it."
    )
    assert_accessible(page)
    screenshot(page, "kiosk-check-in-unknown-en")
    page.get_by_role("button", name="Take a ticket without an appointment").click()
    expect(page.get_by_role("button", name="Council Tax")).to_be_visible()

    check_in(page, tomorrow)
    expect(page.locator("#message-text")).to_have_text(
        f"The booking {tomorrow} is for another day."
    )
    page.get_by_role("button", name="Take a ticket without an appointment").click()
    page.get_by_role("button", name="General Enquiries").click()
    expect(page.locator("#ticket-number")).to_have_text(re.compile(r"^G"))


@pytest.mark.parametrize(("language", "direction"), [("pl", "ltr"), ("ar", "rtl")])
def test_the_kiosk_speaks_polish_and_arabic_and_the_ticket_keeps_the_language(
    page: Page, demo_server: LiveServer, language: str, direction: str
) -> None:
    open_kiosk(page, demo_server)
    page.get_by_role("link", name={"pl": "Polski", "ar": "العربية"}[language]).click()

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    heading = page.get_by_role("heading", level=1)
    expect(heading).not_to_have_text("Welcome. What have you come for today?")
    assert_accessible(page)
    screenshot(page, f"kiosk-start-{language}")
    page.locator("[data-go='help']").click()
    assert_accessible(page)
    screenshot(page, f"kiosk-help-{language}")
    page.locator("[data-go='start']").first.click()
    page.locator("[data-go='checkin']").first.click()
    assert_accessible(page)
    screenshot(page, f"kiosk-check-in-{language}")
    page.locator("#checkin-form [data-go='start']").click()

    page.locator("[data-service='HOU']").click()

    expect(page.locator("#ticket-number")).to_have_text(re.compile(r"^H"))
    assert_accessible(page)
    screenshot(page, f"kiosk-ticket-{language}")
    number = page.locator("#ticket-number").inner_text()
    visit = next(v for v in waiting_visits(demo_server) if v["number"] == number)
    assert visit["language"] == language


def test_a_double_tap_issues_one_ticket(page: Page, demo_server: LiveServer) -> None:
    open_kiosk(page, demo_server)

    page.get_by_role("button", name="Taxi Licensing").dblclick()

    expect(page.locator("#ticket-number")).to_have_text("T001")
    taxi = [v["number"] for v in waiting_visits(demo_server) if v["service"] == "TAXI"]
    assert taxi == ["T001"]


def test_lower_screen_keeps_every_control_in_the_bottom_part_and_speak_to_me_reads_aloud(
    page: Page, demo_server: LiveServer
) -> None:
    open_kiosk(page, demo_server)

    page.get_by_role("button", name="Lower screen").click()
    page.get_by_role("button", name="Speak to me").click()

    expect(page.get_by_role("button", name="Lower screen")).to_have_attribute(
        "aria-pressed", "true"
    )
    tops = page.eval_on_selector_all(
        "button:not([hidden]), a.button",
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().top)",
    )
    assert tops and min(tops) >= 0.4 * PORTRAIT["height"], tops
    assert page.evaluate("document.documentElement.scrollHeight") <= PORTRAIT["height"]
    # What is spoken is also put into the live region: the start screen and its choices.
    expect(page.locator("#announce")).to_contain_text("Council Tax")
    assert_accessible(page)
    screenshot(page, "kiosk-lower-screen-en", full_page=False)


def test_the_timeout_is_announced_and_more_time_can_be_asked_for(
    page: Page, demo_server: LiveServer
) -> None:
    page.clock.install()
    open_kiosk(page, demo_server)
    page.get_by_role("button", name="I have an appointment").click()

    page.clock.run_for(21_000)
    expect(page.locator("#timeout")).to_be_visible()
    expect(page.locator("#timeout-text")).to_contain_text("Need more time?")
    expect(page.locator("#announce")).to_contain_text("Going back to the start in")
    screenshot(page, "kiosk-timeout-warning-en")
    page.get_by_role("button", name="I need more time").click()
    expect(page.locator("#timeout")).to_be_hidden()

    page.clock.run_for(31_000)
    expect(page.get_by_role("heading", level=1)).to_contain_text("What have you come for")


def test_an_unpaired_kiosk_says_how_to_pair_and_does_nothing_else(
    page: Page, demo_server: LiveServer
) -> None:
    response = page.goto("/kiosk/bootle")

    assert response is not None and response.status == 401
    expect(page.get_by_role("heading", level=1)).to_have_text("This screen is not paired")
    assert page.locator("[data-service]").count() == 0
    assert_accessible(page)
    screenshot(page, "kiosk-unpaired-en")


def test_a_closed_site_shows_its_hours_and_issues_nothing(
    page: Page, demo_server: LiveServer, tmp_path: Path
) -> None:
    sites = files("queue_service").joinpath("demo/sites.toml").read_text()
    all_day = ", ".join(f'{day} = "{hours}"' for day, hours in DEMO_HOURS.items())
    closed = ", ".join(f'{day} = "closed"' for day in DEMO_HOURS)
    bootle, southport = re.findall(r"opening_hours = \{[^}]*\}", sites)
    sites = sites.replace(bootle, f"opening_hours = {{ {all_day} }}")
    sites = sites.replace(southport, f"opening_hours = {{ {closed} }}")
    path = tmp_path / "sites.toml"
    path.write_text(sites)
    assert cli(demo_server.env, "sites", "load", str(path)).returncode == 0

    page.set_viewport_size(PORTRAIT)
    page.goto(f"/kiosk/southport?pair={demo_server.token('southport', 'kiosk')}")

    expect(page.locator("#closed")).to_contain_text("Sorry, we are closed now.")
    expect(page.locator("#closed")).to_contain_text("Monday")
    expect(page.get_by_role("button", name="Council Tax")).to_be_hidden()
    assert_accessible(page)
    screenshot(page, "kiosk-closed-en")


def test_the_kiosk_says_see_reception_while_the_server_is_away_and_recovers_by_itself(
    page: Page, demo_server: LiveServer
) -> None:
    open_kiosk(page, demo_server)
    port = demo_server.port

    demo_server.stop()
    expect(page.locator("#connection")).to_have_attribute("data-state", "reconnecting")
    # A tap while the server is away says so instead of spinning.
    page.get_by_role("button", name="General Enquiries").click()
    expect(page.locator("#message-text")).to_have_text(
        "Sorry, no ticket was issued. Please see reception."
    )
    page.get_by_role("button", name="Take a ticket without an appointment").click()
    demo_server.start()

    assert demo_server.port == port
    expect(page.locator("#connection")).to_have_attribute("data-state", "live", timeout=30_000)
    page.get_by_role("button", name="General Enquiries").click()
    expect(page.locator("#ticket-number")).to_have_text(re.compile(r"^G"))
