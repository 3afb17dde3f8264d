"""A real `queue-service serve` process on a free port, for end-to-end tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import requests
from sqlalchemy import text

from queue_service import db
from queue_service.models import Base

BIN = Path(sys.executable).parent
# Tests sign in thousands of times: a one-round hash keeps that cheap (never in production).
CHEAP_PASSWORD_HASH = "pbkdf2:sha256:1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reset_database(url: str) -> None:
    """Empty the database and bring it to the newest schema."""
    engine = db.make_engine(url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.upgrade(engine)
    engine.dispose()


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `queue-service` command with the given environment."""
    return subprocess.run(
        [str(BIN / "queue-service"), *args], env=env, capture_output=True, text=True, timeout=60
    )


def wait_until_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Return once `url` answers GET /healthz with 200; raise if `process` exits first or
    20 s pass."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process {process.pid} exited with {process.returncode}; see {log}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).ok:
                return
        # gunicorn accepts connections before its worker has loaded the app: they time out.
        except (requests.ConnectionError, requests.Timeout):
            pass
        # Often: the reconnect bench times its clients from this moment.
        time.sleep(0.02)
    raise RuntimeError(f"{url}/healthz did not answer 200 within 20 s; see {log}")


def stop_process(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Send `sig` and reap the process, killing it if it is still there after 10 s."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class LiveServer:
    """Starts a seeded demo server against `database_url` (`seed=False`: already seeded, say by
    another server on the same database); stops it on exit. `command` replaces
    `queue-service serve`; it must listen where ONESTOP_BIND says, as gunicorn does with
    deploy/gunicorn.conf.py."""

    def __init__(
        self,
        database_url: str,
        instance_dir: Path,
        *,
        seed: bool = True,
        command: Sequence[str] | None = None,
        **extra_env: str,
    ) -> None:
        self.seed = seed
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = (
            list(command)
            if command
            else [str(BIN / "queue-service"), "serve", "--port", str(self.port)]
        )
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "QUEUE_INSTANCE_DIR": str(instance_dir),
            "PUBLIC_BASE_URL": self.url,
            "ONESTOP_BIND": f"127.0.0.1:{self.port}",
            "PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
            **extra_env,
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.seed_output = ""

    def __enter__(self) -> LiveServer:
        if self.seed:
            seeded = cli(self.env, "seed-demo")
            if seeded.returncode != 0:
                raise RuntimeError(f"seed-demo failed: {seeded.stderr}")
            self.seed_output = seeded.stdout
        self.start()
        return self

    def start(self) -> None:
        log_path = Path(self.env["QUEUE_INSTANCE_DIR"]) / f"server-{self.port}.log"
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_healthy(self.process, self.url, log_path)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process:
            stop_process(self.process, signal.SIGINT)

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def token(self, site: str, kind: str) -> str:
        """A device token that seed-demo printed for the site."""
        section = self.seed_output.split(f"board: {self.url}/api/v1/sites/{site}/board", 1)[1]
        for line in section.splitlines():
            parts = line.split()
            if parts[:2] == [kind, "token"]:
                return parts[2]
        raise KeyError(f"no {kind} token for {site}")

    def desk_ids(self, http: requests.Session, site: str = "bootle") -> dict[str, int]:
        """The site's desks by name."""
        response = http.get(f"{self.url}/api/v1/sites/{site}", timeout=30)
        response.raise_for_status()
        return {d["name"]: d["id"] for d in response.json()["desks"]}

    def session(self, username: str, password: str = "onestop-demo") -> requests.Session:
        """A signed-in HTTP session."""
        http = requests.Session()
        response = http.post(
            f"{self.url}/api/v1/auth/login", json={"username": username, "password": password}
        )
        response.raise_for_status()
        http.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return http
