"""Redis stopped and started again under two server processes (a private redis-server on a
spare port, never the machine's own): each process keeps serving its own clients, logs the
fault once, and fan-out between the processes resumes by itself."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.e2e.conftest import BOARD, database_for, issue_ticket
from tests.support.live_client import LiveClient
from tests.support.liveserver import LiveServer, free_port, stop_process

pytestmark = pytest.mark.server

REDIS_SERVER = shutil.which("redis-server")
# Fan-out resumes within a second or two of Redis answering; this only bounds a broken run.
RESUME_WITHIN_S = 30


class PrivateRedis:
    """A redis-server of this test's own, without persistence, that can stop and start again
    on the same port."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            for _ in range(100):
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    time.sleep(0.1)
            raise RuntimeError(f"redis-server on port {self.port} did not start")
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, signal.SIGTERM)
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[PrivateRedis]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    private = PrivateRedis(tmp_path)
    private.start()
    yield private
    private.stop()


def server_log(server: LiveServer) -> str:
    return (Path(server.env["QUEUE_INSTANCE_DIR"]) / f"server-{server.port}.log").read_text()


def test_without_redis_each_process_serves_its_own_and_fan_out_resumes_after(
    redis_server: PrivateRedis, tmp_path: Path
) -> None:
    # No slow refresh within the test: every push comes from a change.
    env = {"REDIS_URL": redis_server.url, "SECRET_KEY": "redis-test", "LIVE_TICK_S": "600"}
    url = database_for("sqlite", tmp_path)
    with (
        LiveServer(url, tmp_path, **env) as a,
        LiveServer(url, tmp_path, seed=False, **env) as b,
        LiveClient(a.url) as on_a,
        LiveClient(b.url) as on_b,
    ):
        version = on_a.subscribe(BOARD)["snapshot"]["version"]
        on_b.subscribe(BOARD)
        issue_ticket(a.url)
        on_b.next("board", lambda board: board["version"] == version + 1)

        redis_server.stop()
        issue_ticket(a.url)
        on_a.next("board", lambda board: board["version"] == version + 2)
        issue_ticket(b.url)
        on_b.next("board", lambda board: board["version"] == version + 3)
        issue_ticket(a.url)
        on_a.next("board", lambda board: board["version"] == version + 4)

        redis_server.start()
        deadline = time.monotonic() + RESUME_WITHIN_S
        version += 4
        while time.monotonic() < deadline:
            issue_ticket(a.url)
            version += 1
            try:
                on_b.next("board", lambda board, v=version: board["version"] == v, timeout=1)
                break
            except AssertionError:
                continue
        else:
            pytest.fail(f"no push from A reached B within {RESUME_WITHIN_S} s of Redis returning")
        issue_ticket(b.url)
        on_a.next("board", lambda board: board["version"] == version + 1)
    for server in (a, b):
        log = server_log(server)
        assert log.count("Redis unavailable") == 1, log
        assert log.count("Redis reachable again") == 1, log
        assert "Cannot publish to redis" not in log and "Cannot receive from redis" not in log
    assert (on_a.connects, on_b.connects) == (1, 1)
