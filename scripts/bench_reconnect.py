"""Benchmark a reconnect storm: many board screens coming back after the server restarts.

Run with `make bench` (after scripts/bench_live.py) or on its own. BENCH_RECONNECT_CLIENTS sets
the number of board clients (default 1000), BENCH_LIVE_WORKERS the client processes (as
bench_live), BENCH_RECONNECT_TRANSPORTS=polling,websocket the browsers' transports (default:
websocket). SQLite (temporary file) only; all traffic goes to 127.0.0.1. Prints figures and
asserts nothing.

N python-socketio AsyncClients (WebSocket, in worker processes as in bench_live) connect to one
`queue-service serve` process with the Bootle display's device token and subscribe to the
Bootle board; each subscribes again on every `connect`, as live.js does. Then, for each
reconnection setting below, the server is stopped (SIGINT) and started again on the same port
and database, and the clock runs from the moment /healthz first answers until every client
holds an acknowledgement of its new subscription with the site's current version. The clients
reconnect by the library's own backoff:

- `library default`: python-socketio's 1 s doubling to 5 s, each delay ± 0.5 s. (socket.io-client,
  which the front ends use, doubles from 1 s to 5 s too, ± 50 %.)
- `live.js`: the reconnection options our front ends' live.js passes (LIVE_JS below).
- `at once`: a 0.1 s delay, so nearly every client is back as soon as the server listens:
  this shows the server's own work for the storm, with the backoff out of the way.

Per setting: the time after /healthz until 50 %, 90 % and all of the clients were live again;
the server's CPU time over that span, in all and per client (the connections, handshakes and
subscriptions it served); and the client processes' CPU time, to tell which side was busy.
"""

from __future__ import annotations

import asyncio
import os
import queue
import sys
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests
import socketio
from bench_live import (
    BOARD,
    SERVICE,
    SITE,
    WORKERS,
    Added,
    ClientPool,
    Close,
    Closed,
    Quit,
    cpu_s,
    raise_open_files_limit,
)
from benchlib import machine, ms, percentile

from tests.support.liveserver import LiveServer, reset_database


@dataclass(frozen=True)
class Backoff:
    name: str
    delay_s: float
    delay_max_s: float


# live.js: socket.io-client's `reconnectionDelay` (its default) and `reconnectionDelayMax`.
LIVE_JS = Backoff("live.js", 1.0, 2.0)
SETTINGS = (Backoff("library default", 1.0, 5.0), LIVE_JS, Backoff("at once", 0.1, 0.1))
CLIENTS = 1000
CONNECT_BATCH = 50
CLIENT_TIMEOUT_S = 15.0
LIVE_TIMEOUT_S = 60.0
WAITING_TICKETS = 40


@dataclass(frozen=True)
class Connect:
    count: int
    backoff: Backoff
    token: str
    transports: list[str]


@dataclass(frozen=True)
class Forget:
    """Forget the acknowledgements so far: the server is about to stop."""


@dataclass(frozen=True)
class Collect:
    version: int
    deadline: float


@dataclass(frozen=True)
class Forgotten:
    worker: int


@dataclass(frozen=True)
class Live:
    """When each of the worker's clients was acknowledged at `version` (None: not by the
    deadline)."""

    worker: int
    at: list[float | None]


Command = Connect | Forget | Collect | Close | Quit
Report = Added | Forgotten | Live | Closed


class Screens:
    """One worker process's board clients, each subscribing again after every connect."""

    def __init__(self, worker: int, url: str) -> None:
        self.worker = worker
        self.url = url
        self.clients: list[socketio.AsyncClient] = []
        # Per client: when it was acknowledged with which version, since the last Forget.
        self.acks: list[dict[int, float]] = []

    async def connect(self, command: Connect) -> Added:
        failures: list[str] = []
        for start in range(0, command.count, CONNECT_BATCH):
            size = min(CONNECT_BATCH, command.count - start)
            results = await asyncio.gather(
                *(self._connect(command) for _ in range(size)), return_exceptions=True
            )
            failures += [repr(r) for r in results if isinstance(r, BaseException)]
        return Added(self.worker, failures)

    def forget(self) -> Forgotten:
        for acks in self.acks:
            acks.clear()
        return Forgotten(self.worker)

    async def collect(self, version: int, deadline: float) -> Live:
        while time.monotonic() < deadline and not all(version in a for a in self.acks):
            await asyncio.sleep(0.05)
        return Live(self.worker, [a.get(version) for a in self.acks])

    async def close(self) -> Closed:
        await asyncio.wait_for(
            asyncio.gather(*(c.disconnect() for c in self.clients), return_exceptions=True),
            CLIENT_TIMEOUT_S,
        )
        self.clients = []
        self.acks = []
        return Closed(self.worker)

    async def _connect(self, command: Connect) -> None:
        client = socketio.AsyncClient(
            reconnection_delay=command.backoff.delay_s,
            reconnection_delay_max=command.backoff.delay_max_s,
            handle_sigint=False,
        )
        acks: dict[int, float] = {}

        def acknowledged(ack: dict[str, Any]) -> None:
            if ack.get("ok"):
                acks.setdefault(ack["snapshot"]["version"], time.monotonic())

        async def subscribe() -> None:
            # As live.js: every connect, the first and each reconnect, subscribes again. (An
            # emit with a callback: awaiting an ack here would hold up the client's reader.)
            await client.emit("subscribe", BOARD, callback=acknowledged)

        client.on("connect", subscribe)
        await client.connect(
            self.url,
            auth={"token": command.token},
            transports=command.transports,
            wait_timeout=CLIENT_TIMEOUT_S,
        )
        self.clients.append(client)
        self.acks.append(acks)


def run_worker(worker: int, url: str, commands: Connection, reports: Any) -> None:
    asyncio.run(serve_commands(Screens(worker, url), commands, reports))


async def serve_commands(screens: Screens, commands: Connection, reports: Any) -> None:
    loop = asyncio.get_running_loop()
    while True:
        try:
            command: Command | None = await loop.run_in_executor(None, commands.recv)
        except EOFError:  # the benchmark went away
            command = None
        match command:
            case Connect():
                reports.put(await screens.connect(command))
            case Forget():
                reports.put(screens.forget())
            case Collect(version, deadline):
                reports.put(await screens.collect(version, deadline))
            case Close():
                reports.put(await screens.close())
            case Quit() | None:
                await screens.close()
                return


class Pool(ClientPool):
    """The client worker processes, seen from the benchmark."""

    def __init__(self, url: str, workers: int) -> None:
        super().__init__(url, workers, run_worker)

    def ask(self, commands: list[Command], timeout_s: float) -> list[Any]:
        for pipe, command in zip(self.commands, commands, strict=True):
            pipe.send(command)
        answers: list[Any] = []
        deadline = time.monotonic() + timeout_s
        while len(answers) < len(commands) and (left := deadline - time.monotonic()) > 0:
            try:
                answers.append(self.reports.get(timeout=left))
            except queue.Empty:
                break
        if len(answers) < len(commands):
            raise RuntimeError(f"{len(commands) - len(answers)} client worker(s) silent")
        return answers

    def everyone(self, command: Command, timeout_s: float) -> list[Any]:
        return self.ask([command] * len(self.commands), timeout_s)

    def connect(self, total: int, backoff: Backoff, token: str, transports: list[str]) -> None:
        workers = len(self.commands)
        shares = [total // workers + (w < total % workers) for w in range(workers)]
        answers = self.ask(
            [Connect(n, backoff, token, transports) for n in shares],
            60 + total * CLIENT_TIMEOUT_S / CONNECT_BATCH,
        )
        if failures := [f for a in answers for f in a.failures]:
            raise RuntimeError(f"{len(failures)} clients failed to connect, e.g. {failures[:3]}")


@dataclass
class Storm:
    backoff: Backoff
    clients: int
    stop_s: float
    start_s: float
    live_after: list[float]  # per client live again, seconds after /healthz (0: before it)
    missing: int
    server_cpu_s: float
    client_cpu_s: float

    def row(self) -> list[str]:
        def after(pct: float) -> str:
            return f"{percentile(self.live_after, pct):.2f}" if self.live_after else "-"

        spread = f"{self.backoff.delay_s:g}-{self.backoff.delay_max_s:g} s"
        return [
            f"{self.backoff.name} ({spread})",
            str(self.clients),
            f"{self.stop_s:.1f} + {self.start_s:.1f}",
            after(50),
            after(90),
            after(100) if not self.missing else f"{self.missing} never",
            f"{self.server_cpu_s:.2f}",
            ms(self.server_cpu_s / self.clients),
            f"{self.client_cpu_s:.2f}",
        ]


def board_version(url: str) -> int:
    response = requests.get(f"{url}/api/v1/sites/{SITE}/board", timeout=30)
    response.raise_for_status()
    return int(response.json()["version"])


def restart(server: LiveServer, pool: Pool, backoff: Backoff, clients: int) -> Storm:
    """Stop the server under its connected clients, start it again, and time their return."""
    pool.everyone(Forget(), 30)
    stopping = time.monotonic()
    server.stop()
    stopped = time.monotonic()
    server.start()
    healthy = time.monotonic()
    assert server.process is not None
    server_cpu = cpu_s(server.process.pid)
    client_cpu = sum(cpu_s(pid) for pid in pool.pids)
    version = board_version(server.url)
    answers: list[Live] = pool.everyone(Collect(version, healthy + LIVE_TIMEOUT_S), 90)
    times = [t for a in answers for t in a.at]
    returned = [max(0.0, t - healthy) for t in times if t is not None]
    # The span the figures cover: until the last client was back (or the deadline).
    last = healthy + max(returned, default=LIVE_TIMEOUT_S)
    time.sleep(max(0.0, last - time.monotonic()))
    return Storm(
        backoff=backoff,
        clients=clients,
        stop_s=stopped - stopping,
        start_s=healthy - stopped,
        live_after=returned,
        missing=len(times) - len(returned),
        server_cpu_s=cpu_s(server.process.pid) - server_cpu,
        client_cpu_s=sum(cpu_s(pid) for pid in pool.pids) - client_cpu,
    )


def print_table(storms: list[Storm]) -> None:
    header = [
        "reconnection",
        "clients",
        "stop + start s",
        "50 % live s",
        "90 % live s",
        "all live s",
        "server CPU s",
        "server CPU/client ms",
        "clients' CPU s",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" for _ in header) + "|")
    for storm in storms:
        print("| " + " | ".join(storm.row()) + " |")


def main() -> int:
    clients = int(os.environ.get("BENCH_RECONNECT_CLIENTS", CLIENTS))
    workers = int(os.environ.get("BENCH_LIVE_WORKERS", WORKERS))
    transports = os.environ.get("BENCH_RECONNECT_TRANSPORTS", "websocket").split(",")
    raise_open_files_limit(clients)
    print(f"OneStop Queue reconnect bench — {machine()}")
    print(
        f"one server process (SQLite) restarted under {clients} board clients in {workers} "
        f"client process(es) ({'+'.join(transports)}), display-token clients; times from the "
        f"moment /healthz answers; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    storms: list[Storm] = []
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite:///{tmp}/bench.db"
        reset_database(database)
        with LiveServer(database, Path(tmp)) as server, Pool(server.url, workers) as pool:
            token = server.token(SITE, "display")
            http = server.session("bootle-adviser")
            tickets = f"{server.url}/api/v1/sites/{SITE}/tickets"
            for _ in range(WAITING_TICKETS):
                http.post(tickets, json={"service": SERVICE}).raise_for_status()
            try:
                for backoff in SETTINGS:
                    pool.connect(clients, backoff, token, transports)
                    storm = restart(server, pool, backoff, clients)
                    storms.append(storm)
                    print(
                        f"{backoff.name}: {len(storm.live_after)} of {clients} live again, "
                        f"the last {max(storm.live_after, default=0):.2f} s after /healthz",
                        flush=True,
                    )
                    pool.everyone(Close(), 60)
            except (RuntimeError, requests.RequestException) as exc:
                print(f"stopped: {exc}")
    print()
    print_table(storms)
    return 0 if len(storms) == len(SETTINGS) else 1


if __name__ == "__main__":
    sys.exit(main())
