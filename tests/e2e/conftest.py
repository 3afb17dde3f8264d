"""A real server process per test, on SQLite or on the PostgreSQL test database."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import PG_SKIP_REASON
from tests.support import run_database
from tests.support.browser import CHROMIUM, launch, new_context, watch
from tests.support.live_client import LiveClient
from tests.support.liveserver import LiveServer, reset_database

REDIS_URL = "redis://127.0.0.1:6379/0"
BOARD = {"site": "bootle", "view": "board"}
STAFF = {"site": "bootle", "view": "staff"}


def shared_redis_env() -> dict[str, str]:
    """What the processes of one deployment share: the Redis channel (new per test, so that
    concurrent runs do not hear each other) and the key that signs session cookies. Skips
    when Redis is not running."""
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis does not answer PING at {REDIS_URL}: {exc}")
    finally:
        client.close()
    return {
        "REDIS_URL": REDIS_URL,
        "REDIS_CHANNEL": f"onestop-test-{uuid.uuid4()}",
        "SECRET_KEY": secrets.token_urlsafe(32),
    }


def issue_ticket(base_url: str) -> None:
    """An adviser takes a Council Tax ticket through the given process's API."""
    with requests.Session() as http:
        login = http.post(
            f"{base_url}/api/v1/auth/login",
            json={"username": "bootle-adviser", "password": "onestop-demo"},
            timeout=10,
        )
        assert login.status_code == 200, login.text
        http.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        issued = http.post(
            f"{base_url}/api/v1/sites/bootle/tickets", json={"service": "CT"}, timeout=10
        )
        assert issued.status_code == 201, issued.text


def database_for(param: str, tmp_path: Path) -> str:
    """An emptied, migrated database: a SQLite file, or this run's PostgreSQL database."""
    if param == "sqlite":
        url = f"sqlite:///{tmp_path / 'live.db'}"
    else:
        pg_url = run_database.url()
        if not pg_url:
            pytest.skip(PG_SKIP_REASON)
        url = pg_url
    reset_database(url)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """A seeded demo server on an emptied, migrated database."""
    url = database_for(request.param, tmp_path)
    instance = tmp_path / "instance"
    instance.mkdir()
    with LiveServer(url, instance) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, one for the whole run (skipped with the reason when missing)."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium is not installed ({CHROMIUM})")
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One seeded demo server (SQLite) per test module: both demo sites open all day, their
    devices' tokens at `demo_server.token("bootle", "kiosk")`."""
    tmp_path = tmp_path_factory.mktemp("demo")
    with LiveServer(database_for("sqlite", tmp_path), tmp_path) as live:
        yield live


@pytest.fixture
def page(browser: Browser, demo_server: LiveServer) -> Iterator[Page]:
    """A fresh browser profile on the demo server (`page.goto("/")` works), axe preloaded;
    an uncaught error or a Content-Security-Policy violation in the page fails the test."""
    context = new_context(browser, demo_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = watch(page)
    yield page
    context.close()
    assert errors == []


def assert_signed_out_live(client: LiveClient, staff_view: dict[str, str]) -> None:
    """The server closed the client's connection, and a new one with the same cookie may no
    longer follow the staff view."""
    client.next("disconnect")
    with client.same_credentials() as again:
        refused = again.subscribe(staff_view)
    assert (refused["ok"], refused["code"]) == (False, "not_authenticated")
