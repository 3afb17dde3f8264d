"""Rate limits: sign-in lockout per account and per address, anonymous requests per address,
a kiosk's tickets; 429 with Retry-After from the injected clock; shared through Redis."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from queue_service.app import create_app
from queue_service.clock import ManualClock
from tests.conftest import PASSWORD, TUESDAY_MORNING, signed_in
from tests.e2e.conftest import shared_redis_env
from tests.integration.test_api_schema import Checker
from tests.integration.test_auth import assert_error, bearer

API = "/api/v1"
# Small limits so that a test reaches them; the window is the same for all.
WINDOW_S = 600


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {
        "RATE_LIMITS": {
            "login_account": f"3/{WINDOW_S}",
            "login_address": f"5/{WINDOW_S}",
            "public": f"8/{WINDOW_S}",
            "kiosk": f"4/{WINDOW_S}",
        }
    }


def login(client: FlaskClient, username: str, password: str) -> TestResponse:
    return client.post(f"{API}/auth/login", json={"username": username, "password": password})


def from_address(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def seconds_left_in_window(clock: ManualClock) -> int:
    return WINDOW_S - int(clock.now().timestamp()) % WINDOW_S


def assert_limited(response: TestResponse, code: str, clock: ManualClock) -> None:
    assert_error(response, 429, code)
    assert response.headers["Retry-After"] == str(seconds_left_in_window(clock))


def test_an_account_is_locked_out_after_failed_sign_ins_until_the_window_ends(
    app: Flask, clock: ManualClock
) -> None:
    attacker = from_address(app, "203.0.113.7")
    for _ in range(3):
        assert_error(login(attacker, "bootle-adviser", "wrong"), 401, "bad_credentials")
    clock.advance(seconds=5)
    # Locked: even the right password, even from another address, is refused for now.
    assert_limited(login(attacker, "bootle-adviser", PASSWORD), "locked_out", clock)
    owner = from_address(app, "198.51.100.1")
    assert_limited(login(owner, "bootle-adviser", PASSWORD), "locked_out", clock)
    assert login(owner, "bootle-reception", PASSWORD).status_code == 200

    clock.advance(seconds=seconds_left_in_window(clock))
    assert login(owner, "bootle-adviser", PASSWORD).status_code == 200


def test_an_address_is_locked_out_after_failed_sign_ins_on_several_accounts(
    app: Flask, clock: ManualClock
) -> None:
    sprayer = from_address(app, "203.0.113.8")
    for name in ("a", "b", "c", "d", "e"):
        assert_error(login(sprayer, name, "wrong"), 401, "bad_credentials")
    assert_limited(login(sprayer, "bootle-manager", PASSWORD), "locked_out", clock)
    assert login(from_address(app, "198.51.100.2"), "bootle-manager", PASSWORD).status_code == 200


def test_a_good_sign_in_clears_the_accounts_failures(app: Flask) -> None:
    client = app.test_client()
    for _ in range(2):
        assert_error(login(client, "bootle-adviser", "wrong"), 401)
    assert login(client, "bootle-adviser", PASSWORD).status_code == 200
    for _ in range(2):
        assert_error(login(client, "bootle-adviser", "wrong"), 401)
    assert login(client, "bootle-adviser", PASSWORD).status_code == 200


def test_anonymous_requests_are_limited_per_address_and_staff_and_devices_are_not(
    app: Flask, clock: ManualClock, display_token: str
) -> None:
    phone = from_address(app, "203.0.113.9")
    paths = [f"{API}/sites", f"{API}/sites/bootle", f"{API}/sites/bootle/board"]
    for i in range(8):
        assert phone.get(paths[i % 3]).status_code == 200
    assert_limited(phone.get(f"{API}/sites/bootle/board"), "too_many_requests", clock)
    # A made-up token does not get round the limit.
    made_up = phone.get(f"{API}/sites", headers=bearer("made-up"))
    assert_limited(made_up, "too_many_requests", clock)

    assert from_address(app, "198.51.100.3").get(f"{API}/sites").status_code == 200
    adviser = signed_in(app, "bootle-adviser")
    for _ in range(10):
        assert adviser.get(f"{API}/sites/bootle/board").status_code == 200
        assert phone.get(f"{API}/sites", headers=bearer(display_token)).status_code == 200
    clock.advance(seconds=seconds_left_in_window(clock))
    assert phone.get(f"{API}/sites").status_code == 200


def test_a_kiosk_issuing_too_fast_is_refused_and_staff_are_not(
    app: Flask, client: FlaskClient, kiosk_token: str, clock: ManualClock
) -> None:
    tickets = f"{API}/sites/bootle/tickets"
    for _ in range(4):
        issued = client.post(tickets, json={"service": "CT"}, headers=bearer(kiosk_token))
        assert issued.status_code == 201
    refused = client.post(tickets, json={"service": "CT"}, headers=bearer(kiosk_token))
    assert_limited(refused, "too_many_requests", clock)
    check_in = client.post(
        f"{API}/sites/bootle/check-in", json={"reference": "NOPE"}, headers=bearer(kiosk_token)
    )
    assert_limited(check_in, "too_many_requests", clock)
    reception = signed_in(app, "bootle-reception")
    for _ in range(6):
        assert reception.post(tickets, json={"service": "CT"}).status_code == 201
    clock.advance(seconds=seconds_left_in_window(clock))
    again = client.post(tickets, json={"service": "CT"}, headers=bearer(kiosk_token))
    assert again.status_code == 201


def test_every_refusal_is_the_documented_429_with_retry_after(
    app: Flask, client: FlaskClient, kiosk_token: str
) -> None:
    checker = Checker(client.get(f"{API}/openapi.json").json)

    def refused(path: str, method: str, send: Callable[[], TestResponse]) -> None:
        while (response := send()).status_code != 429:
            assert response.status_code < 500
        checker.check(path, method, response)

    attacker = from_address(app, "203.0.113.20")
    refused("/auth/login", "post", lambda: login(attacker, "bootle-adviser", "wrong"))
    kiosk = bearer(kiosk_token)
    refused("/sites/{site}/tickets", "post",
            lambda: client.post(f"{API}/sites/bootle/tickets", json={"service": "CT"},
                                headers=kiosk))  # fmt: skip
    refused("/sites/{site}/check-in", "post",
            lambda: client.post(f"{API}/sites/bootle/check-in", json={"reference": "NOPE"},
                                headers=kiosk))  # fmt: skip
    # Anonymous requests are counted on every path, a staff-only one too.
    phone = from_address(app, "203.0.113.21")
    refused("/sites/{site}/queue", "get", lambda: phone.get(f"{API}/sites/bootle/queue"))


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(
    app: Flask, database_url: str, clock: ManualClock
) -> None:
    direct = app.test_client()
    for i in range(8):
        forged = {"X-Forwarded-For": f"192.0.2.{i}"}
        assert direct.get(f"{API}/sites", headers=forged).status_code == 200
    assert_error(direct.get(f"{API}/sites", headers={"X-Forwarded-For": "192.0.2.99"}), 429)

    proxied = create_app(
        {**app.config, "TRUSTED_PROXIES": 1, "RATE_LIMITS": {"public": f"2/{WINDOW_S}"}}
    )
    client = proxied.test_client()
    one, other = {"X-Forwarded-For": "192.0.2.1"}, {"X-Forwarded-For": "192.0.2.2"}
    assert client.get(f"{API}/sites", headers=one).status_code == 200
    assert client.get(f"{API}/sites", headers=one).status_code == 200
    assert_limited(client.get(f"{API}/sites", headers=one), "too_many_requests", clock)
    assert client.get(f"{API}/sites", headers=other).status_code == 200
    proxied.extensions["queue_engine"].dispose()


def test_a_limit_of_zero_is_no_limit(database_url: str) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": database_url,
            "RATE_LIMITS": {"public": "0"},
        }
    )
    client = app.test_client()
    assert all(client.get(f"{API}/sites").status_code == 200 for _ in range(700))
    app.extensions["queue_engine"].dispose()


def test_two_processes_share_a_lockout_through_redis(
    app: Flask, database_url: str, app_config: dict[str, Any]
) -> None:
    clock = ManualClock(TUESDAY_MORNING)
    # Its own Redis channel, hence its own counts; skipped when Redis is not running.
    shared = shared_redis_env()
    processes = [
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test",
                "DATABASE_URL": database_url,
                "REDIS_URL": shared["REDIS_URL"],
                "REDIS_CHANNEL": shared["REDIS_CHANNEL"],
                "CLOCK": clock,
                "PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
                **app_config,
            }
        )
        for _ in range(2)
    ]
    first, second = (process.test_client() for process in processes)
    for _ in range(3):
        assert_error(login(first, "bootle-adviser", "wrong"), 401)
    assert_limited(login(second, "bootle-adviser", PASSWORD), "locked_out", clock)
    clock.advance(seconds=seconds_left_in_window(clock))
    assert login(second, "bootle-adviser", PASSWORD).status_code == 200
    for process in processes:
        process.extensions["queue_engine"].dispose()
