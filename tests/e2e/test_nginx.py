"""The deployed layout: nginx, configured from the shipped deploy/nginx/onestop.conf, in front of
two gunicorn processes run with deploy/gunicorn.conf.py, sharing PostgreSQL and Redis.

The site file's own location blocks are exercised (Socket.IO with its upgrade headers over
WebSocket and long-polling, ip_hash, the /static/ alias); only what a test cannot use is
rewritten: the upstream addresses, HTTPS and the checkout's path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import BOARD, database_for, issue_ticket, shared_redis_env
from tests.support.live_client import LiveClient
from tests.support.liveserver import LiveServer
from tests.support.nginx import GUNICORN, NGINX, STATIC, nginx

SOCKETIO_JS = "vendor/socket.io.esm.min.js"

pytestmark = [
    pytest.mark.server,
    pytest.mark.postgres,
    pytest.mark.skipif(
        NGINX is None, reason="nginx is not installed (Debian: apt-get install nginx-light)"
    ),
]


@dataclass
class Deployment:
    a: LiveServer
    b: LiveServer
    url: str


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    """Processes A and B (gunicorn) on one emptied, migrated, seeded database, behind nginx."""
    url = database_for("postgres", tmp_path)
    env = shared_redis_env()
    with (
        LiveServer(url, tmp_path, command=GUNICORN, **env) as a,
        LiveServer(url, tmp_path, seed=False, command=GUNICORN, **env) as b,
        nginx(tmp_path / "nginx", [a.port, b.port]) as nginx_url,
    ):
        yield Deployment(a, b, nginx_url)


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_changes_reach_a_client_connected_through_nginx(
    deployment: Deployment, transport: str
) -> None:
    with LiveClient(deployment.url, transports=[transport]) as client:
        version = client.subscribe(BOARD)["snapshot"]["version"]

        def pushed_after_ticket_on(base_url: str, change: int) -> dict[str, Any]:
            issue_ticket(base_url)
            return client.next("board", lambda board: board["version"] == version + change)

        # Through nginx: ip_hash sends every request from 127.0.0.1 to the client's process.
        pushed_after_ticket_on(deployment.url, 1)
        # Straight to each process: whichever one nginx chose for the client, one of these
        # changes reaches it from the other process, through Redis.
        pushed_after_ticket_on(deployment.a.url, 2)
        pushed = pushed_after_ticket_on(deployment.b.url, 3)
    council_tax = next(s for s in pushed["services"] if s["code"] == "CT")
    assert council_tax["waiting"] == 3


@pytest.mark.skipif(
    not (STATIC / SOCKETIO_JS).exists(),
    reason=f"{STATIC / SOCKETIO_JS} is missing: run `make test` (or `make vendor`)",
)
def test_static_files_are_served_from_disk(deployment: Deployment) -> None:
    response = requests.get(f"{deployment.url}/static/{SOCKETIO_JS}", timeout=10)
    assert response.status_code == 200
    assert response.content == (STATIC / SOCKETIO_JS).read_bytes()
    # Only the /static/ location sets `expires epoch`: nginx answered, not the app behind it.
    assert response.headers["Expires"] == "Thu, 01 Jan 1970 00:00:01 GMT"
