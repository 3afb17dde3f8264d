"""The staff pages check the session and the role on the server: who lands where, who gets
403, and an idle session sent back to sign-in."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from queue_service.clock import ManualClock
from tests.conftest import signed_in


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("bootle-reception", "/staff/bootle/reception", 200),
        ("bootle-reception", "/staff/bootle/desk", 403),
        ("bootle-reception", "/staff/bootle/team", 403),
        ("bootle-adviser", "/staff/bootle/desk", 200),
        ("bootle-adviser", "/staff/bootle/team", 403),
        ("bootle-manager", "/staff/bootle/team", 200),
        ("southport-adviser", "/staff/bootle/desk", 403),
        ("bootle-adviser", "/staff/nowhere/desk", 404),
    ],
)
def test_each_page_is_for_its_roles_and_sites(
    app: Flask, username: str, path: str, status: int
) -> None:
    assert signed_in(app, username).get(path).status_code == status


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("bootle-reception", "/staff/bootle/reception"),
        ("bootle-adviser", "/staff/bootle/desk"),
        ("bootle-manager", None),
    ],
)
def test_home_sends_each_role_to_its_view(app: Flask, username: str, landing: str | None) -> None:
    home = signed_in(app, username).get("/staff")
    if landing is None:
        assert home.status_code == 200
        assert "Choose a site" in home.text
    else:
        assert (home.status_code, home.location) == (302, landing)


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in_and_back(client: FlaskClient) -> None:
    page = client.get("/staff/bootle/desk")
    assert (page.status_code, page.location) == (302, "/staff/login?next=/staff/bootle/desk")
    assert 'data-next="/staff/bootle/desk"' in client.get(page.location).text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/kiosk/bootle"])
def test_sign_in_only_returns_to_staff_pages(client: FlaskClient, target: str) -> None:
    assert 'data-next="/staff"' in client.get("/staff/login", query_string={"next": target}).text


def test_an_idle_session_is_sent_back_to_sign_in(
    app: Flask, reception: FlaskClient, clock: ManualClock
) -> None:
    assert reception.get("/staff/bootle/reception").status_code == 200
    clock.advance(minutes=app.config["STAFF_IDLE_MIN"] + 1)
    page = reception.get("/staff/bootle/reception")
    assert (page.status_code, page.location) == (302, "/staff/login?next=/staff/bootle/reception")
    assert reception.get("/api/v1/auth/me").status_code == 401


def test_clock_offsets_are_ignored_unless_the_server_allows_them(
    reception: FlaskClient,
) -> None:
    page = reception.get("/staff/bootle/reception?clock_offset_s=500")
    assert 'data-clock-offset-s="0"' in page.text


def test_the_team_page_names_the_roles_in_the_pages_language(app: Flask) -> None:
    page = signed_in(app, "bootle-manager").get("/staff/bootle/team?lang=pl").text
    assert "(kierownik)</span>" in page  # the staff bar: "Zalogowano jako … (kierownik)"
    assert "<td>doradca</td>" in page and "<td>adviser</td>" not in page
