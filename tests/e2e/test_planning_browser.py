"""The managers' planning pages in Debian's Chromium against a real server: a manager edits
the rota with the keyboard, a refused entry is marked on its row, the saved week shows at
once; the staffing page puts the rota beside the desks needed. Accessible, right to left in
Arabic, and kept as screenshots under docs/screenshots/."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support.browser import ROOT, axe_violations, describe, requires_browser
from tests.support.liveserver import LiveServer, cli

pytestmark = requires_browser

SCREENSHOTS = ROOT / "docs" / "screenshots"
MANAGER, PASSWORD = "rota-manager", "rota-password"
TARGET_PX = 44
PLANNING_MS = 180_000


@pytest.fixture(scope="module")
def bootle(demo_server: LiveServer) -> str:
    """Bootle by its real opening hours, four weeks of its history, and its manager."""
    sites = str(files("queue_service").joinpath("demo/sites.toml"))
    assert cli(demo_server.env, "sites", "load", sites).returncode == 0
    seeded = cli(demo_server.env, "seed-history", "--site", "bootle", "--days", "28",
                 "--per-day", "130")  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    added = cli(demo_server.env, "user", "add", MANAGER, "--role", "manager", "--site", "bootle",
                "--password", PASSWORD)  # fmt: skip
    assert added.returncode == 0, added.stderr
    return "bootle"


def sign_in(page: Page) -> str:
    """Sign the page in as Bootle's manager; the session's CSRF token."""
    answer = page.request.post(
        "/api/v1/auth/login", data={"username": MANAGER, "password": PASSWORD}
    )
    assert answer.ok, answer.text()
    token: str = answer.json()["csrf_token"]
    return token


def keep(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_targets_are_large(controls: Locator) -> None:
    for i in range(controls.count()):
        box = controls.nth(i).bounding_box()
        assert box is not None and box["height"] >= TARGET_PX, controls.nth(i).inner_html()


def test_a_manager_edits_the_rota_with_the_keyboard_and_sees_it(page: Page, bootle: str) -> None:
    sign_in(page)
    page.goto(f"/staff/{bootle}/rota")
    desk = page.get_by_role("group", name=re.compile(r"^Desk 1 "))

    # Add two stretches for Desk 1 on Tuesday by keyboard; the second overlaps the first.
    for start, end in (("09:00", "12:30"), ("12:00", "16:00")):
        desk.get_by_role("button", name="Add hours for Desk 1").focus()
        page.keyboard.press("Enter")
        day = desk.get_by_label("Day").last
        expect(day).to_be_focused()
        day.select_option("tue")
        desk.get_by_label("From").last.fill(start)
        desk.get_by_label("To").last.fill(end)
    assert_targets_are_large(page.locator(".rota-form button, .rota-form select, .rota-form input"))
    page.get_by_role("button", name="Save the rota").click()

    expect(page.get_by_role("alert")).to_contain_text("some hours need correcting")
    refused = desk.get_by_label("From").last
    expect(refused).to_have_attribute("aria-invalid", "true")
    expect(refused).to_be_focused()
    expect(desk.locator("[data-error]:visible")).to_contain_text("overlaps entry 0")
    violations = axe_violations(page)
    assert violations == [], describe(violations)

    refused.fill("12:30")
    page.get_by_role("button", name="Save the rota").click()

    expect(page).to_have_url(re.compile(r"saved=1"))
    expect(page.get_by_role("status")).to_contain_text("Saved. The estimates use this rota")
    week = page.get_by_role("table")
    tuesday = week.get_by_role("row", name=re.compile("^Desk 1")).get_by_role("cell").nth(1)
    expect(tuesday).to_have_text("09:00\u201312:3012:30\u201316:00")
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    keep(page, "rota")


def test_the_rota_page_reads_right_to_left_in_arabic(page: Page, bootle: str) -> None:
    sign_in(page)
    page.goto(f"/staff/{bootle}/rota?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    form = page.locator("#rota-form")
    first, last = (form.locator("fieldset").nth(i).bounding_box() for i in (0, 1))
    assert first is not None and last is not None
    # Right to left: each desk's legend starts at the right-hand edge of its box.
    legend = form.locator("legend").first.bounding_box()
    assert legend is not None and legend["x"] + legend["width"] > first["x"] + first["width"] / 2
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_the_staffing_page_puts_the_rota_beside_the_desks_needed(page: Page, bootle: str) -> None:
    token = sign_in(page)
    week = [{"desk": "Desk 3", "weekday": "tue", "from": "09:00", "to": "13:00"}]
    saved = page.request.put(
        f"/api/v1/sites/{bootle}/rota", data={"shifts": week}, headers={"X-CSRF-Token": token}
    )
    assert saved.ok, saved.text()
    page.goto("/staff/reports/standards")
    link = page.get_by_role("link", name="Staffing: Bootle One Stop Shop")
    expect(link).to_have_attribute("href", f"/staff/{bootle}/staffing")
    # Sunday first (closed: nothing to simulate), then Tuesday through the picker. Planning a
    # day simulates four past ones, which takes seconds on a busy machine: the wait is long.
    page.goto(f"/staff/{bootle}/staffing?weekday=sun")
    expect(page.get_by_text("The site is closed on this day.")).to_be_visible()
    page.get_by_label("Plan for").select_option("tue")
    with page.expect_navigation(timeout=PLANNING_MS):
        page.get_by_role("button", name="Show").click(no_wait_after=True)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Staffing · Bootle One Stop Shop: Tuesday"
    )
    table = page.locator("table.staffing-table")
    expect(table.get_by_role("columnheader")).to_have_text(
        [
            "Hour",
            "Arrivals a day",
            "Erlang C desks",
            "Desks needed (simulated)",
            "Started in time (simulated)",
            "Desks in the rota",
            "Rota against need",
        ]
    )
    nine = table.get_by_role("row", name=re.compile("^09:00"))
    expect(nine.get_by_role("cell").nth(4)).to_have_text("1")  # Desk 3 from 09:00
    expect(page.locator("figure svg")).to_have_count(1)
    # Every hour is short of desks here, so every bar is hatched (not just grey).
    short = page.locator("rect.chart__bar--marked")
    expect(short).to_have_count(table.locator("tbody tr").count())
    assert "url(" in short.first.evaluate("bar => getComputedStyle(bar).fill")
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    keep(page, "staffing")
