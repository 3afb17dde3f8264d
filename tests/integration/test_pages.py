"""The pages' shared base through the Flask test client: device pairing, the home page, the
locale (with right-to-left Arabic) and the security headers."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from queue_service.services import accounts, site_config
from queue_service.services.uow import UnitOfWork
from queue_service.web.pairing import COOKIE
from tests.conftest import demo_document


def pair_cookie(response_headers: list[str]) -> str | None:
    return next((h for h in response_headers if h.startswith(f"{COOKIE}=")), None)


def test_a_good_pairing_token_is_kept_in_an_httponly_cookie_and_leaves_the_url(
    client: FlaskClient, kiosk_token: str
) -> None:
    response = client.get(f"/kiosk/bootle?pair={kiosk_token}&lang=pl")

    assert response.status_code == 303
    assert response.headers["Location"] == "/kiosk/bootle?lang=pl"
    cookie = pair_cookie(response.headers.getlist("Set-Cookie"))
    assert cookie is not None
    assert cookie.startswith(f"{COOKIE}={kiosk_token};")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/kiosk/bootle" in cookie


def test_a_paired_page_hands_its_token_to_its_scripts_and_is_never_cached(
    client: FlaskClient, kiosk_token: str
) -> None:
    client.get(f"/kiosk/bootle?pair={kiosk_token}")

    page = client.get("/kiosk/bootle")

    assert page.status_code == 200
    assert f'data-device-token="{kiosk_token}"' in page.text
    assert 'data-site="bootle"' in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert 'data-service="CT"' in page.text


@pytest.mark.parametrize(
    ("token_of", "explanation"),
    [
        (None, "runs only on a device paired with the site"),
        ("unknown", "unknown or has been revoked"),
        ("display", "another kind of device"),
        ("southport kiosk", "a device of another site"),
    ],
)
def test_a_page_without_a_good_pairing_says_how_to_pair_and_does_nothing_else(
    client: FlaskClient, uow: UnitOfWork, token_of: str | None, explanation: str
) -> None:
    tokens = {
        None: None,
        "unknown": "not-a-token",
        "display": accounts.add_device(uow, "bootle", "display", "lobby"),
        "southport kiosk": accounts.add_device(uow, "southport", "kiosk", "door"),
    }
    query = f"?pair={tokens[token_of]}" if token_of else ""

    response = client.get(f"/kiosk/bootle{query}")

    assert response.status_code == 401
    assert explanation in response.text
    assert "How to pair a device" in response.text
    assert "<script" not in response.text
    assert "data-device-token" not in response.text
    assert pair_cookie(response.headers.getlist("Set-Cookie")) is None


def test_a_revoked_device_is_unpaired_at_its_next_visit(
    client: FlaskClient, uow: UnitOfWork, kiosk_token: str
) -> None:
    client.get(f"/kiosk/bootle?pair={kiosk_token}")
    accounts.add_device(uow, "bootle", "kiosk", "test kiosk", replace=True)

    response = client.get("/kiosk/bootle")

    assert response.status_code == 401
    assert "unknown or has been revoked" in response.text
    cleared = pair_cookie(response.headers.getlist("Set-Cookie"))
    assert cleared is not None and "Max-Age=0" in cleared


def test_a_public_board_shows_unpaired_and_a_private_one_asks_for_pairing(
    client: FlaskClient, uow: UnitOfWork, display_token: str
) -> None:
    assert client.get("/display/bootle").status_code == 200
    document = demo_document()
    document["site"][0]["public_board"] = False
    site_config.load_sites(uow, document)

    assert client.get("/display/bootle").status_code == 401
    client.get(f"/display/bootle?pair={display_token}")
    assert f'data-device-token="{display_token}"' in client.get("/display/bootle").text


def test_an_unknown_site_is_a_plain_404_page(client: FlaskClient) -> None:
    response = client.get("/kiosk/nowhere")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert 'href="/"' in response.text


def test_the_home_page_lists_each_site_with_working_links(client: FlaskClient) -> None:
    home = client.get("/")

    assert home.status_code == 200
    assert "Bootle One Stop Shop" in home.text
    assert "Southport One Stop Shop" in home.text
    assert "How to pair a device" in home.text
    links = set(re.findall(r'href="(/(?:kiosk|display|staff)[^"]*)"', home.text))
    assert {"/kiosk/bootle", "/display/southport", "/staff?site=bootle"} <= links
    for link in links:
        # An unpaired kiosk answers with the page that says how to pair, and the staff link
        # leads to sign-in: never a dead end.
        assert client.get(link, follow_redirects=True).status_code in (200, 401), link


def language_of(page: str) -> tuple[str, str]:
    match = re.search(r'<html lang="(\w+)" dir="(\w+)">', page)
    assert match, page[:200]
    return match[1], match[2]


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("", None, "en-GB,en;q=0.9", ("en", "ltr")),
        ("", None, "pl-PL,pl;q=0.9,en;q=0.5", ("pl", "ltr")),
        ("", None, "ar-EG,ar;q=0.9", ("ar", "rtl")),
        ("", None, "fr-FR", ("en", "ltr")),
        ("?lang=ar", None, "pl", ("ar", "rtl")),
        ("?lang=xx", None, "pl", ("pl", "ltr")),
        ("", "pl", "ar", ("pl", "ltr")),
        ("?lang=en", "ar", "ar", ("en", "ltr")),
    ],
)
def test_the_language_is_the_chosen_one_then_the_browsers(
    app: Flask, query: str, cookie: str | None, accept: str, expected: tuple[str, str]
) -> None:
    client = app.test_client()
    if cookie:
        client.set_cookie("onestop_lang", cookie)

    page = client.get(f"/{query}", headers={"Accept-Language": accept})

    assert language_of(page.text) == expected


def test_a_chosen_language_is_remembered_and_translated(client: FlaskClient) -> None:
    client.get("/?lang=pl")

    page = client.get("/", headers={"Accept-Language": "en"})

    assert language_of(page.text) == ("pl", "ltr")
    assert "Jak sparować urządzenie" in page.text, "run `make translations` first"
    assert 'lang="ar" hreflang="ar">العربية</a>' in page.text


@pytest.mark.parametrize("path", ["/", "/kiosk/bootle", "/display/bootle", "/staff"])
def test_pages_send_a_strict_content_security_policy(client: FlaskClient, path: str) -> None:
    response = client.get(path)

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["Referrer-Policy"] == "no-referrer"
