"""Security headers on every page and API response, and CORS closed unless an origin is named."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from queue_service.app import create_app

API = "/api/v1"
SIGNAGE = "https://signage.example.gov.uk"
PREFLIGHT = {
    "Origin": SIGNAGE,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "Authorization, Content-Type",
}
# Pages, API answers good and bad, a static file and an unknown path.
PATHS = [
    "/",
    "/kiosk/bootle",
    "/staff",
    "/static/base.css",
    f"{API}/sites/bootle/board",
    f"{API}/sites/bootle/queue",
    f"{API}/sites/nowhere",
    "/no/such/page",
]


def assert_secured(response: TestResponse) -> None:
    headers = response.headers
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in headers["Permissions-Policy"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    with client.get(path) as plain:
        assert_secured(plain)
        assert "Strict-Transport-Security" not in plain.headers
    with client.get(path, base_url="https://queue.test") as secure:
        assert_secured(secure)
        assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_refused_sign_in_carries_them_too(client: FlaskClient) -> None:
    response = client.post(f"{API}/auth/login", json={"username": "x", "password": "y"})
    assert response.status_code == 401
    assert_secured(response)


@pytest.mark.parametrize("path", [f"{API}/sites", f"{API}/sites/bootle/board", f"{API}/auth/me"])
def test_cors_is_closed_by_default(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Origin": SIGNAGE})
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = client.options(path, headers=PREFLIGHT)
    assert preflight.status_code == 403
    assert preflight.json["error"]["code"] == "cors_refused"
    assert not any(name.startswith("Access-Control-") for name, _ in preflight.headers)


@pytest.fixture
def open_to_signage(app: Flask) -> Iterator[FlaskClient]:
    opened = create_app({**app.config, "CORS_ORIGINS": [SIGNAGE]})
    yield opened.test_client()
    opened.extensions["queue_engine"].dispose()


def test_a_named_origin_may_read_without_credentials(open_to_signage: FlaskClient) -> None:
    client = open_to_signage
    board = client.get(f"{API}/sites/bootle/board", headers={"Origin": SIGNAGE})
    assert board.headers["Access-Control-Allow-Origin"] == SIGNAGE
    assert "Origin" in board.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in board.headers

    preflight = client.options(f"{API}/sites/bootle/tickets", headers=PREFLIGHT)
    assert preflight.status_code == 204
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers

    other = {**PREFLIGHT, "Origin": "https://evil.example"}
    assert client.options(f"{API}/sites/bootle/tickets", headers=other).status_code == 403
    foreign = client.get(f"{API}/sites/bootle/board", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in foreign.headers
