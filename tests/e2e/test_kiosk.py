"""The kiosk (/kiosk/<site>) in Debian's Chromium against one real seeded server: walk-in and
extra-help tickets, appointment check-in, languages, accessibility, and resilience."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.support.browser import axe_violations, describe, requires_browser, screenshot
from tests.support.liveserver import LiveServer

pytestmark = requires_browser

PORTRAIT = {"width": 800, "height": 1280}


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def open_kiosk(page: Page, server: LiveServer, language: str = "en") -> None:
    page.set_viewport_size(PORTRAIT)
    page.goto(f"/kiosk/bootle?pair={server.token('bootle', 'kiosk')}&lang={language}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")


def staff_queue(server: LiveServer) -> dict[str, Any]:
    with server.session("bootle-reception") as http:
        response = http.get(f"{server.url}/api/v1/sites/bootle/queue", timeout=10)
        response.raise_for_status()
        queue: dict[str, Any] = response.json()
        return queue


def waiting_visits(server: LiveServer) -> list[dict[str, Any]]:
    queue = staff_queue(server)
    return [v for key in ("walk_ins", "appointments") for v in queue.get(key, [])]


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
    assert page.evaluate("document.getElementById('ticket-qr').naturalWidth") > 0
    assert_accessible(page)
    screenshot(page, "kiosk-ticket-en")

    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What have you come for")
