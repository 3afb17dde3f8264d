"""A real serving process ends ended days by itself: at start-up (the server was down at
midnight) and, in the background, while it serves, with a push to the screens. The same
background task purges personal fields past the retention period."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select

from queue_service import db
from queue_service.app import create_app
from queue_service.clock import ManualClock
from queue_service.models import Visit
from queue_service.rules.permissions import SYSTEM
from queue_service.services import tickets
from queue_service.services.uow import UnitOfWork
from tests.conftest import RecordingPublisher
from tests.e2e.conftest import BOARD, database_for
from tests.support.live_client import LiveClient
from tests.support.liveserver import LiveServer, cli

pytestmark = pytest.mark.server


def ticket_days_ago(database_url: str, days: int, name: str | None = None) -> dict[str, Any]:
    """A ticket issued `days` ago, written by another process with its own clock."""
    app = create_app(
        {
            "QUEUE_ENV": "test",
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "CLOCK": ManualClock(datetime.now(UTC) - timedelta(days=days)),
            "PUBLISHER": RecordingPublisher(),
        }
    )
    try:
        request = tickets.TicketRequest(service="CT", customer_name=name)
        body, _ = tickets.issue_ticket(UnitOfWork.for_app(app), SYSTEM, "bootle", request)
    finally:
        app.extensions["queue_engine"].dispose()
    return body


def status(server: LiveServer, ticket: dict[str, Any]) -> str:
    response = requests.get(f"{server.url}/api/v1/tickets/{ticket['token']}", timeout=10)
    response.raise_for_status()
    result: str = response.json()["status"]
    return result


def test_a_serving_process_closes_ended_days_at_start_up_and_as_they_end(tmp_path: Path) -> None:
    url = database_for("sqlite", tmp_path)
    server = LiveServer(url, tmp_path, seed=False, DAY_END_CHECK_S="1")
    assert cli(server.env, "seed-demo").returncode == 0
    # Two days ago, so that even the 25-hour day cannot make it today.
    left_while_down = ticket_days_ago(url, 2)
    server.start()
    try:
        assert status(server, left_while_down) == "closed"
        with LiveClient(server.url) as board:
            version = board.subscribe(BOARD)["snapshot"]["version"]
            left_while_serving = ticket_days_ago(url, 2)
            pushed = board.next("board", lambda b: b["version"] > version)
            assert pushed["version"] == version + 2  # the foreign ticket, then the closing
        assert status(server, left_while_serving) == "closed"
    finally:
        server.stop()


def test_a_serving_process_purges_what_is_past_the_retention_period(tmp_path: Path) -> None:
    url = database_for("sqlite", tmp_path)
    server = LiveServer(url, tmp_path, seed=False, RETENTION_DAYS="30")
    assert cli(server.env, "seed-demo").returncode == 0
    old = ticket_days_ago(url, 32, name="Old Name")
    recent = ticket_days_ago(url, 28, name="Recent Name")
    server.start()
    try:
        engine = db.make_engine(url)
        names = select(Visit.id, Visit.customer_name).order_by(Visit.id)
        deadline = time.monotonic() + 20
        while True:
            with engine.connect() as connection:
                kept = dict(connection.execute(names).all())  # type: ignore[arg-type]
            if kept[old["id"]] is None or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        engine.dispose()
        assert kept == {old["id"]: None, recent["id"]: "Recent Name"}
        assert status_code(server, old) == 404
    finally:
        server.stop()


def status_code(server: LiveServer, ticket: dict[str, Any]) -> int:
    response = requests.get(f"{server.url}/api/v1/tickets/{ticket['token']}", timeout=10)
    return response.status_code
