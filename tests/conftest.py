"""Shared fixtures: databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
an app on a manual clock seeded with the demo sites, and signed-in clients."""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from queue_service import db
from queue_service.app import create_app
from queue_service.clock import ManualClock
from queue_service.events import Event
from queue_service.models import Base
from queue_service.services import accounts, site_config
from queue_service.services.uow import UnitOfWork
from tests.support import run_database
from tests.support.liveserver import CHEAP_PASSWORD_HASH, reset_database

PG_SKIP_REASON = "TEST_DATABASE_URL is not set: PostgreSQL tests skipped"
# A Tuesday in November (GMT), mid-morning: both demo sites are open.
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
PASSWORD = "correct-horse"


class RecordingPublisher:
    """Keeps published events so tests can see what left after commit."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def publish(self, events: Sequence[Event]) -> None:
        self.events.extend(events)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies, so migrations run once per session."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    reset_database(f"sqlite:///{path}")
    return path


def pytest_configure(config: pytest.Config) -> None:
    run_database.create()


def pytest_unconfigure(config: pytest.Config) -> None:
    run_database.drop()


@pytest.fixture(scope="session")
def postgres_ready() -> str:
    url = run_database.url()
    if not url:
        pytest.skip(PG_SKIP_REASON)
    reset_database(url)
    return url


def _truncate_postgres(url: str) -> None:
    engine = db.make_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database: a fresh SQLite file, or the emptied PostgreSQL test DB."""
    if request.param == "sqlite":
        path = tmp_path / "queue.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_ready")
    _truncate_postgres(url)
    return url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(TUESDAY_MORNING)


@pytest.fixture
def publisher() -> RecordingPublisher:
    return RecordingPublisher()


def demo_document() -> dict[str, Any]:
    return tomllib.loads(files("queue_service").joinpath("demo/sites.toml").read_text())


def with_rota(rota: list[dict[str, Any]]) -> dict[str, Any]:
    """The demo sites with `rota` as Bootle's `[[site.rota]]` tables."""
    document = demo_document()
    document["site"][0]["rota"] = rota
    return document


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Settings a test module adds to (or changes in) the app fixture's: override it there."""
    return {}


@pytest.fixture
def app(
    database_url: str,
    clock: ManualClock,
    publisher: RecordingPublisher,
    tmp_path: Path,
    app_config: dict[str, Any],
) -> Iterator[Flask]:
    app = create_app(
        {
            "QUEUE_ENV": "test",
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": "http://queue.test",
            "CLOCK": clock,
            "PUBLISHER": publisher,
            "PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
            # Tests move the clock by days while signed in; idle sign-out has its own tests.
            "STAFF_IDLE_MIN": 7 * 24 * 60,
            **app_config,
        }
    )
    uow = uow_for(app)
    site_config.load_sites(uow, demo_document())
    for role in ("reception", "adviser", "manager"):
        accounts.add_user(uow, f"bootle-{role}", PASSWORD, role, ["bootle"])
    accounts.add_user(uow, "southport-adviser", PASSWORD, "adviser", ["southport"])
    yield app
    app.extensions["queue_engine"].dispose()


def uow_for(app: Flask) -> UnitOfWork:
    return UnitOfWork.for_app(app)


@pytest.fixture
def uow(app: Flask) -> UnitOfWork:
    return uow_for(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.json
    # Every later change sends the session's CSRF token, as the staff pages do.
    client.environ_base["HTTP_X_CSRF_TOKEN"] = response.json["csrf_token"]
    return client


@pytest.fixture
def adviser(app: Flask) -> FlaskClient:
    return signed_in(app, "bootle-adviser")


@pytest.fixture
def reception(app: Flask) -> FlaskClient:
    return signed_in(app, "bootle-reception")


@pytest.fixture
def kiosk_token(uow: UnitOfWork) -> str:
    return accounts.add_device(uow, "bootle", "kiosk", "test kiosk")


@pytest.fixture
def display_token(uow: UnitOfWork) -> str:
    return accounts.add_device(uow, "bootle", "display", "test display")


def desk_id(client: FlaskClient, name: str, site: str = "bootle") -> int:
    """The id of a desk by its name."""
    desks = client.get(f"/api/v1/sites/{site}").json["desks"]
    return next(d["id"] for d in desks if d["name"] == name)
