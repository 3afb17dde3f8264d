"""The managers' report pages in Debian's Chromium against a real server with made-up
history: both sites side by side and together, charts with their tables, the printable
standards report; accessible, and kept as screenshots under docs/screenshots/."""

from __future__ import annotations

import re
from datetime import date, timedelta
from importlib.resources import files

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import ROOT, axe_violations, describe, requires_browser
from tests.support.liveserver import LiveServer, cli

pytestmark = requires_browser

SCREENSHOTS = ROOT / "docs" / "screenshots"
ADMIN, PASSWORD = "reports-admin", "reports-password"


@pytest.fixture(scope="module")
def history(demo_server: LiveServer) -> str:
    """Four weeks of history at both sites (by their real opening hours, not the demo's
    all-day ones) and an admin to read them; the period's query."""
    sites = str(files("queue_service").joinpath("demo/sites.toml"))
    assert cli(demo_server.env, "sites", "load", sites).returncode == 0
    for site in ("bootle", "southport"):
        seeded = cli(demo_server.env, "seed-history", "--site", site, "--days", "28",
                     "--per-day", "130")  # fmt: skip
        assert seeded.returncode == 0, seeded.stderr
    added = cli(demo_server.env, "user", "add", ADMIN, "--role", "admin", "--password", PASSWORD)
    assert added.returncode == 0, added.stderr
    today = date.today()
    return f"kind=custom&from={today - timedelta(days=28)}&to={today}"


def sign_in(page: Page) -> None:
    answer = page.request.post("/api/v1/auth/login", data={"username": ADMIN, "password": PASSWORD})
    assert answer.ok, answer.text()


def keep(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_the_overview_shows_both_sites_and_all_together_with_charts_and_tables(
    page: Page, history: str
) -> None:
    sign_in(page)
    page.goto(f"/staff/reports?{history}")

    summary = page.locator("section", has=page.get_by_role("heading", name="Summary"))
    expect(summary.get_by_role("columnheader")).to_have_text(
        ["Measure", "Bootle", "Southport", "All sites"]
    )
    hourly = page.locator("section", has=page.get_by_role("heading", name="Wait by hour of day"))
    expect(hourly.locator("figure svg")).to_have_count(3)
    expect(hourly.locator("rect.chart__band")).to_have_count(3)
    expect(hourly.locator("table").first).to_contain_text("12:00")
    expect(page.get_by_role("heading", name="Appointment punctuality")).to_be_visible()
    expect(page.get_by_role("heading", name="Estimate accuracy")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    keep(page, "reports-overview")


def test_the_standards_report_prints_in_the_councils_form(page: Page, history: str) -> None:
    sign_in(page)
    page.goto(f"/staff/reports/standards?{history}")

    table = page.locator("table.standards-table")
    expect(table.get_by_role("columnheader")).to_have_text(["Our aims", "What we achieved"])
    expect(table).to_contain_text("We aim to greet you within 2 minutes of your arrival")
    expect(table).to_contain_text("across our 2 One Stop Shop sites")
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    keep(page, "reports-standards")
    page.emulate_media(media="print")
    expect(page.locator(".report-picker")).to_be_hidden()
    keep(page, "reports-standards-print")


def test_the_pages_ask_for_a_manager(page: Page, history: str) -> None:
    page.goto(f"/staff/reports?{history}")
    expect(page).to_have_url(re.compile(r"/staff/login\?next=/staff/reports"))
    expect(page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE))).to_be_visible()


def test_the_audit_trail_is_an_accessible_table_reached_from_the_reports(
    page: Page, history: str
) -> None:
    sign_in(page)
    csrf = page.request.get("/api/v1/auth/me").json()["csrf_token"]
    issued = page.request.post(
        "/api/v1/sites/bootle/tickets",
        data={"service": "CT", "customer_name": "Audit Test"},
        headers={"X-CSRF-Token": csrf},
    )
    assert issued.ok, issued.text()
    page.goto(f"/staff/reports?{history}")

    page.get_by_role("link", name="Audit trail: Bootle One Stop Shop").click()

    expect(page).to_have_url(re.compile(r"/staff/bootle/audit$"))
    table = page.locator("table.audit-table")
    expect(table.get_by_role("columnheader")).to_have_text(
        ["Time", "Ticket", "What", "Who", "Desk", "Details"]
    )
    expect(table.get_by_role("row").filter(has_text=issued.json()["number"]).first).to_contain_text(
        ADMIN
    )
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    keep(page, "reports-audit")
