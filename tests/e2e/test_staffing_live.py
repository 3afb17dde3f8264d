"""The staffing planner against a real server: while it works out a plan (seconds of
simulation), the same process keeps answering everyone else — the lobby screens, kiosks and
desks it serves — and a second look at the same plan comes from memory. Both ways of serving:
`queue-service serve` and the deployed gunicorn worker."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from queue_service.rules.calendar import DAYS
from tests.e2e.conftest import database_for
from tests.support.liveserver import LiveServer, cli
from tests.support.nginx import GUNICORN

pytestmark = pytest.mark.server

# Long enough for the plan request to reach the server before the others are sent; the
# assertions are on the order of the answers, never on how long anything took.
HEAD_START_S = 0.5
PLAN_TIMEOUT_S = 300


def test_the_server_answers_others_while_it_works_out_a_staffing_plan(live: LiveServer) -> None:
    answers_others_while_planning(live)


def test_a_gunicorn_worker_answers_others_while_it_works_out_a_staffing_plan(
    tmp_path: Path,
) -> None:
    with LiveServer(database_for("sqlite", tmp_path), tmp_path, command=GUNICORN) as server:
        answers_others_while_planning(server)


def answers_others_while_planning(server: LiveServer) -> None:
    seeded = cli(server.env, "seed-history", "--site", "bootle", "--days", "14", "--per-day", "130")
    assert seeded.returncode == 0, seeded.stderr
    yesterday = datetime.now(UTC).astimezone(ZoneInfo("Europe/London")) - timedelta(days=1)
    url = f"{server.url}/api/v1/reports/staffing?site=bootle&weekday={DAYS[yesterday.weekday()]}"
    manager = server.session("bootle-manager")
    answers: list[requests.Response] = []
    planning = threading.Thread(
        target=lambda: answers.append(manager.get(url, timeout=PLAN_TIMEOUT_S))
    )
    planning.start()
    time.sleep(HEAD_START_S)

    with requests.Session() as anyone:
        health = anyone.get(f"{server.url}/healthz", timeout=PLAN_TIMEOUT_S)
        health_while_planning = planning.is_alive()
        board = anyone.get(f"{server.url}/api/v1/sites/bootle/board", timeout=PLAN_TIMEOUT_S)
        board_while_planning = planning.is_alive()
    planning.join(PLAN_TIMEOUT_S)

    assert health.status_code == 200 and board.status_code == 200
    assert health_while_planning and board_while_planning
    [plan] = answers
    assert plan.status_code == 200, plan.text
    assert plan.json()["days"] == 2 and len(plan.json()["simulated_days"]) == 2
    again = manager.get(url, timeout=PLAN_TIMEOUT_S)
    assert again.status_code == 200 and again.json() == plan.json()
