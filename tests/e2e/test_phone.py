"""The customer's phone page (/t/<token>) in Debian's Chromium against one real seeded server:
live to "Called to Desk 3" without a reload, in the ticket's language, "I've left", and a
plain 404 for an unknown token."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.support.browser import axe_violations, describe, requires_browser, screenshot
from tests.support.liveserver import LiveServer

pytestmark = requires_browser

PHONE = {"width": 360, "height": 740}


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def adviser(server: LiveServer) -> requests.Session:
    """A signed-in adviser that sends the CSRF token back when the server hands one."""
    http = server.session("bootle-adviser")
    me = http.get(f"{server.url}/api/v1/auth/me", timeout=10).json()
    if me.get("csrf_token"):
        http.headers["X-CSRF-Token"] = me["csrf_token"]
    return http


def issue(server: LiveServer, language: str) -> dict[str, Any]:
    """A Benefits ticket in `language`, as the kiosk issues it."""
    response = requests.post(
        f"{server.url}/api/v1/sites/bootle/tickets",
        json={"service": "BEN", "language": language},
        headers={"Authorization": f"Bearer {server.token('bootle', 'kiosk')}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    ticket: dict[str, Any] = response.json()
    return ticket


@pytest.mark.parametrize(
    ("language", "called"),
    [
        ("en", "Called to Desk 3. Please go there now."),
        ("pl", "Wezwano do: Desk 3."),
        ("ar", "تم استدعاؤك إلى Desk 3"),
    ],
)
def test_the_phone_page_turns_to_called_without_a_reload(
    page: Page, demo_server: LiveServer, language: str, called: str
) -> None:
    ticket = issue(demo_server, language)
    page.set_viewport_size(PHONE)
    page.goto(f"/t/{ticket['token']}")

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#number")).to_have_text(ticket["number"])
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    expect(page.locator("#status")).to_have_attribute("data-status", "waiting")
    expect(page.locator("#estimate")).not_to_be_empty()
    assert_accessible(page)
    screenshot(page, f"phone-waiting-{language}")

    with adviser(demo_server) as http:
        desk = demo_server.desk_ids(http)["Desk 3"]
        http.post(f"{demo_server.url}/api/v1/desks/{desk}/open", timeout=10)
        answer = http.post(
            f"{demo_server.url}/api/v1/visits/{ticket['id']}/call", json={"desk": desk}, timeout=10
        )
        assert answer.status_code == 200, answer.text

        expect(page.locator("#status")).to_contain_text(called)
        expect(page.locator("#status")).to_have_attribute("data-status", "called")
        assert_accessible(page)
        screenshot(page, f"phone-called-{language}")
        # Free the desk for the next language.
        http.post(f"{demo_server.url}/api/v1/visits/{ticket['id']}/no-show", timeout=10)


def test_ive_left_ends_the_visit_as_left(page: Page, demo_server: LiveServer) -> None:
    ticket = issue(demo_server, "en")
    page.set_viewport_size(PHONE)
    page.goto(f"/t/{ticket['token']}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")

    page.get_by_role("button", name="I've left").click()
    expect(page.locator("#leave-confirm")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "phone-leave-confirm-en")
    page.get_by_role("button", name="Yes, I've left").click()

    expect(page.locator("#status")).to_have_text("You told us you have left. Thank you.")
    expect(page.get_by_role("button", name="I've left")).to_be_hidden()
    status = requests.get(f"{demo_server.url}/api/v1/tickets/{ticket['token']}", timeout=10)
    assert status.json()["status"] == "left"
    screenshot(page, "phone-left-en")


def test_an_unknown_ticket_is_a_plain_404_page(page: Page) -> None:
    response = page.goto("/t/no-such-ticket")

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert page.goto("/t/no-such-ticket/qr.svg").status == 404  # type: ignore[union-attr]
