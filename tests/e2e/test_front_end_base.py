"""The shared front-end base in Debian's Chromium against a real seeded server: the home page
(accessible in each language, right-to-left in Arabic), a newcomer's first click opening a
paired kiosk that issues a ticket through api.js, and a paired display going live through
live.js with its token where the board is private."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from queue_service.cli import DEMO_HOURS
from tests.support.browser import axe_violations, describe, requires_browser, screenshot
from tests.support.liveserver import LiveServer, cli

pytestmark = requires_browser

DEMO_SITES = files("queue_service").joinpath("demo/sites.toml").read_text()


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe(violations)


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("pl", "ltr"), ("ar", "rtl")])
def test_the_home_page_is_accessible_in_each_language(
    page: Page, language: str, direction: str
) -> None:
    page.goto(f"/?lang={language}")

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    assert_accessible(page)
    screenshot(page, f"home-{language}")


def test_a_newcomers_first_click_opens_a_paired_kiosk_that_issues_a_ticket(page: Page) -> None:
    page.goto("/")

    page.get_by_role("link", name="Kiosk").first.click()

    # The pairing redirect leaves the token out of the address bar.
    page.wait_for_url("**/kiosk/bootle")
    page.get_by_role("button", name="Council Tax").click()
    expect(page.locator("#ticket-number")).to_have_text(re.compile(r"^C\d+$"))
    assert_accessible(page)


def test_a_paired_display_goes_live_on_a_private_board(
    page: Page, demo_server: LiveServer, tmp_path: Path
) -> None:
    all_day = ", ".join(f'{day} = "{hours}"' for day, hours in DEMO_HOURS.items())
    private = re.sub(r"opening_hours = \{[^}]*\}", f"opening_hours = {{ {all_day} }}", DEMO_SITES)
    private = private.replace('slug = "southport"\n', 'slug = "southport"\npublic_board = false\n')
    sites = tmp_path / "sites.toml"
    sites.write_text(private)
    assert cli(demo_server.env, "sites", "load", str(sites)).returncode == 0

    page.goto("/display/southport")
    expect(page.get_by_role("heading", level=1)).to_have_text("This screen is not paired")
    expect(page.locator("#how-to-pair")).to_be_visible()
    expect(page.locator("#services, script[src]")).to_have_count(0)  # no board, no script
    page.goto(f"/display/southport?pair={demo_server.token('southport', 'display')}")

    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    expect(page.locator("#services")).to_contain_text("Council Tax")
    assert_accessible(page)
    screenshot(page, "display-placeholder")


def test_the_axe_helper_finds_a_serious_violation(page: Page) -> None:
    page.goto("/")
    page.evaluate("document.querySelector('main').append(document.createElement('button'))")

    assert [v["id"] for v in axe_violations(page)] == ["button-name"]
