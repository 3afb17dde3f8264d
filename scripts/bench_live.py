"""Benchmark live updates: many Socket.IO board clients on one `queue-service serve` process.

Run with `make bench` (after scripts/bench.py) or on its own. BENCH_LIVE_CLIENTS=100,500 sets the
client counts (default 100,500,1000), BENCH_LIVE_WORKERS the number of client processes (default:
one fewer than the cores, at most 4). SQLite (temporary file) only; all traffic goes to 127.0.0.1.
Prints figures and asserts nothing.

Clients are added until N board clients are connected and subscribed ({"site": "bootle",
"view": "board"}, in batches of 50), and then, for each N:

- connect+subscribe: the time it took to reach N clients (the sum of the additions so far);
- memory: the growth of the server's VmRSS since before the first client, per client;
- rounds: Desk 1 calls the next ticket; the clock starts just before the POST call-next and
  stops at its HTTP response, at the first and at the last client's `called` for that ticket.
  A round where some client has not heard within 5 s fails. The visit is then marked a no-show
  (untimed) and the next round follows a short pause;
- a polling display beside the sockets: GET /api/v1/sites/bootle/board every 2 s; for each round
  the time from the call-next until a poll response shows the called number.

The clients run in worker processes, each with its own asyncio loop of python-socketio
AsyncClients over WebSocket. Each takes its time stamp (time.monotonic: one clock for every
process on Linux) first thing in its `called` handler, so the latencies include the clients' own
processing: reading the frame, decoding the packet, and waiting for a loop that also decodes the
`board` snapshot pushed to every client after every change. A line per client count gives the
CPU time the server and the client processes used during the rounds, to tell which side was busy.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import queue
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from statistics import fmean
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests
import socketio
from benchlib import machine, ms, percentile

from tests.support.liveserver import LiveServer, reset_database

SITE = "bootle"
USER = "bootle-adviser"
DESK = "Desk 1"
SERVICE = "GEN"  # one that Desk 1 serves
BOARD = {"site": SITE, "view": "board"}
LEVELS = (100, 500, 1000)
# Client processes: one core is left to the server. On two cores, two client processes were no
# faster than one (they shared the one core left), so this takes the measured choice there.
WORKERS = max(1, min(4, (os.cpu_count() or 2) - 1))
ROUNDS = 30
PAUSE_S = 0.3
ROUND_TIMEOUT_S = 5.0
CONNECT_BATCH = 50
CLIENT_TIMEOUT_S = 15.0
WARMUP_CLIENTS = 5
POLL_INTERVAL_S = 2.0


# Messages between the benchmark and its client workers (pickled, hence plain dataclasses).
@dataclass(frozen=True)
class Add:
    count: int
    batch: int


@dataclass(frozen=True)
class CountOf:
    number: str


@dataclass(frozen=True)
class Close:
    pass


@dataclass(frozen=True)
class Quit:
    pass


@dataclass(frozen=True)
class Added:
    worker: int
    failures: list[str]


@dataclass(frozen=True)
class Heard:
    """Every client of the worker has heard the call of `number`."""

    worker: int
    number: str
    first: float
    last: float


@dataclass(frozen=True)
class Counted:
    worker: int
    number: str
    heard: int
    clients: int
    dropped: int


@dataclass(frozen=True)
class Closed:
    worker: int


Command = Add | CountOf | Close | Quit
Report = Added | Heard | Counted | Closed
R = TypeVar("R", Added, Heard, Counted, Closed)


class BoardClients:
    """One worker process's board clients, all in its asyncio loop."""

    def __init__(self, worker: int, url: str, reports: multiprocessing.Queue[Report]) -> None:
        self.worker = worker
        self.url = url
        self.reports = reports
        self.clients: list[socketio.AsyncClient] = []
        self.arrivals: dict[str, list[float]] = {}
        self.dropped = 0
        self.closing = False

    async def add(self, count: int, batch: int) -> Added:
        failures: list[str] = []
        for start in range(0, count, batch):
            size = min(batch, count - start)
            results = await asyncio.gather(
                *(self._connect() for _ in range(size)), return_exceptions=True
            )
            for result in results:
                if isinstance(result, BaseException):
                    failures.append(repr(result))
                else:
                    self.clients.append(result)
        # A thousand clients make a heap whose full collections stalled this loop for 100-400 ms
        # (measured) and showed up as slow rounds; frozen objects are no longer scanned.
        gc.collect()
        gc.freeze()
        return Added(self.worker, failures)

    async def close(self) -> Closed:
        self.closing = True
        await asyncio.wait_for(
            asyncio.gather(*(c.disconnect() for c in self.clients), return_exceptions=True),
            CLIENT_TIMEOUT_S,
        )
        self.clients = []
        self.closing = False
        return Closed(self.worker)

    def count(self, number: str) -> Counted:
        heard = len(self.arrivals.get(number, []))
        return Counted(self.worker, number, heard, len(self.clients), self.dropped)

    async def _connect(self) -> socketio.AsyncClient:
        # No reconnection: a client that drops out must show up as failed rounds.
        client = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        client.on("called", self._on_called)
        client.on("disconnect", self._on_disconnect)
        await client.connect(self.url, transports=["websocket"], wait_timeout=CLIENT_TIMEOUT_S)
        try:
            ack = await client.call("subscribe", BOARD, timeout=CLIENT_TIMEOUT_S)
            if not ack.get("ok"):
                raise RuntimeError(f"subscribe refused: {ack}")
        except BaseException:
            await client.disconnect()
            raise
        return client

    def _on_called(self, call: dict[str, Any]) -> None:
        now = time.monotonic()
        arrivals = self.arrivals.setdefault(call["number"], [])
        arrivals.append(now)
        if len(arrivals) == len(self.clients):
            self.reports.put(Heard(self.worker, call["number"], arrivals[0], now))

    def _on_disconnect(self, *reason: object) -> None:
        if not self.closing:
            self.dropped += 1


def run_worker(
    worker: int, url: str, commands: Connection, reports: multiprocessing.Queue[Report]
) -> None:
    asyncio.run(serve_commands(BoardClients(worker, url, reports), commands, reports))


async def serve_commands(
    clients: BoardClients, commands: Connection, reports: multiprocessing.Queue[Report]
) -> None:
    loop = asyncio.get_running_loop()
    while True:
        try:
            command: Command = await loop.run_in_executor(None, commands.recv)
        except EOFError:  # the benchmark went away: leave, do not linger
            command = Quit()
        match command:
            case Add(count, batch):
                reports.put(await clients.add(count, batch))
            case CountOf(number):
                reports.put(clients.count(number))
            case Close():
                reports.put(await clients.close())
            case Quit():
                await clients.close()
                return


class ClientPool:
    """The client worker processes, seen from the benchmark."""

    def __init__(self, url: str, workers: int, target: Callable[..., None] = run_worker) -> None:
        """`target(worker, url, commands, reports)` runs each worker (bench_reconnect has its
        own)."""
        # spawn: a fresh interpreter per worker, nothing inherited from this process's threads.
        context = multiprocessing.get_context("spawn")
        self.reports: multiprocessing.Queue[Report] = context.Queue()
        self.commands: list[Connection] = []
        self.processes: list[BaseProcess] = []
        self.sizes = [0] * workers
        for worker in range(workers):
            ours, theirs = context.Pipe()
            process = context.Process(
                target=target, args=(worker, url, theirs, self.reports), daemon=True
            )
            process.start()
            self.commands.append(ours)
            self.processes.append(process)

    def __enter__(self) -> ClientPool:
        return self

    def __exit__(self, *exc: object) -> None:
        for commands in self.commands:
            commands.send(Quit())
        for process in self.processes:
            process.join(CLIENT_TIMEOUT_S + 5)
            if process.is_alive():
                process.terminate()
                process.join()

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes if p.pid is not None]

    @property
    def size(self) -> int:
        return sum(self.sizes)

    def grow_to(self, total: int) -> None:
        """Connect and subscribe clients until `total` are, spread evenly over the workers."""
        workers = len(self.commands)
        targets = [total // workers + (w < total % workers) for w in range(workers)]
        busy = [w for w in range(workers) if targets[w] > self.sizes[w]]
        for w in busy:
            self.commands[w].send(
                Add(targets[w] - self.sizes[w], max(1, CONNECT_BATCH // len(busy)))
            )
        timeout = 60 + (total - self.size) * CLIENT_TIMEOUT_S / CONNECT_BATCH
        added = self._collect(Added, len(busy), time.monotonic() + timeout)
        failures = [f for a in added for f in a.failures]
        if len(added) < len(busy) or failures:
            raise RuntimeError(
                f"connecting clients: {len(busy) - len(added)} worker(s) silent, "
                f"{len(failures)} failed, e.g. {failures[:3]}"
            )
        self.sizes = targets

    def close_all(self) -> None:
        for commands in self.commands:
            commands.send(Close())
        if len(self._collect(Closed, len(self.commands), time.monotonic() + 30)) < len(
            self.commands
        ):
            raise RuntimeError("client workers did not disconnect within 30 s")
        self.sizes = [0] * len(self.commands)

    def heard(self, number: str, deadline: float) -> tuple[float, float] | None:
        """When the first and the last client heard `number` called; None if some had not by
        `deadline`."""
        expected = sum(1 for s in self.sizes if s)
        reports = self._collect(Heard, expected, deadline, number)
        if len(reports) < expected:
            return None
        return min(r.first for r in reports), max(r.last for r in reports)

    def counted(self, number: str) -> list[Counted]:
        for commands in self.commands:
            commands.send(CountOf(number))
        return self._collect(Counted, len(self.commands), time.monotonic() + 10, number)

    def _collect(
        self, kind: type[R], expected: int, deadline: float, number: str | None = None
    ) -> list[R]:
        # Anything else in the queue is a late report of an earlier, failed round.
        found: list[R] = []
        while len(found) < expected and (left := deadline - time.monotonic()) > 0:
            try:
                report = self.reports.get(timeout=left)
            except queue.Empty:
                break
            if isinstance(report, kind) and getattr(report, "number", number) == number:
                found.append(report)
        return found


class BoardPoller(threading.Thread):
    """A display without Socket.IO: it polls the board every POLL_INTERVAL_S."""

    def __init__(self, url: str) -> None:
        super().__init__(name="board-poller", daemon=True)
        self.url = f"{url}/api/v1/sites/{SITE}/board"
        self.stopping = threading.Event()
        self.polls: list[tuple[float, frozenset[str]]] = []  # (answered at, numbers shown)
        self.errors = 0

    def run(self) -> None:
        http = requests.Session()
        due = time.monotonic()
        while not self.stopping.wait(max(0.0, due - time.monotonic())):
            try:
                response = http.get(self.url, timeout=10)
                response.raise_for_status()
                board = response.json()
            except (requests.RequestException, ValueError):
                self.errors += 1
            else:
                shown = frozenset(c["number"] for c in board["calling"] + board["recent"])
                self.polls.append((time.monotonic(), shown))
            # A slow poll delays the next one rather than causing a burst to catch up.
            due = max(due + POLL_INTERVAL_S, time.monotonic())

    def shown_at(self, number: str, after: float) -> float | None:
        for answered, shown in list(self.polls):
            if answered > after and number in shown:
                return answered
        return None

    def wait_for(self, number: str, after: float) -> None:
        deadline = time.monotonic() + 2 * POLL_INTERVAL_S + 10
        while self.shown_at(number, after) is None and time.monotonic() < deadline:
            time.sleep(0.1)


@dataclass
class Level:
    clients: int
    connect_s: float
    rss_per_client_kib: float
    call_next: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    last: list[float] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    staleness: list[float] = field(default_factory=list)
    unseen_by_poller: int = 0
    rounds_s: float = 0.0
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0

    def row(self) -> list[str]:
        polled = (
            f"{ms(fmean(self.staleness))} / {ms(percentile(self.staleness, 99))}"
            if self.staleness
            else "-"
        )
        if self.unseen_by_poller:
            polled += f" ({self.unseen_by_poller} never shown)"
        return [
            str(self.clients),
            f"{self.connect_s:.1f}",
            f"{self.rss_per_client_kib:.1f}",
            ms(percentile(self.call_next, 50)),
            ms(percentile(self.first, 50)) if self.first else "-",
            ms(percentile(self.last, 50)) if self.last else "-",
            ms(percentile(self.last, 99)) if self.last else "-",
            f"{len(self.failed)}/{ROUNDS}",
            polled,
        ]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_s(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the command name may contain spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def call_rounds(
    server: LiveServer,
    http: requests.Session,
    desk_id: int,
    pool: ClientPool,
    poller: BoardPoller,
    level: Level,
) -> None:
    server_pid = server_process_id(server)
    started = time.monotonic()
    cpu_before = cpu_s(server_pid), sum(cpu_s(pid) for pid in pool.pids)
    calls: list[tuple[float, str]] = []
    for _ in range(ROUNDS):
        time.sleep(PAUSE_S)
        t0 = time.monotonic()
        response = http.post(f"{server.url}/api/v1/desks/{desk_id}/call-next", json={})
        level.call_next.append(time.monotonic() - t0)
        if response.status_code != 200:
            raise RuntimeError(f"call-next: HTTP {response.status_code} {response.text[:300]!r}")
        visit = response.json()
        calls.append((t0, visit["number"]))
        heard = pool.heard(visit["number"], t0 + ROUND_TIMEOUT_S)
        if heard is None:
            counts = pool.counted(visit["number"])
            level.failed.append(
                f"{visit['number']}: heard by {sum(c.heard for c in counts)} of "
                f"{sum(c.clients for c in counts)} within {ROUND_TIMEOUT_S:.0f} s, "
                f"{sum(c.dropped for c in counts)} clients dropped so far"
            )
        else:
            level.first.append(heard[0] - t0)
            level.last.append(heard[1] - t0)
        http.post(f"{server.url}/api/v1/visits/{visit['id']}/no-show", json={}).raise_for_status()
    level.rounds_s = time.monotonic() - started
    level.server_cpu_s = cpu_s(server_pid) - cpu_before[0]
    level.client_cpu_s = sum(cpu_s(pid) for pid in pool.pids) - cpu_before[1]
    last_t0, last_number = calls[-1]
    poller.wait_for(last_number, last_t0)
    for t0, number in calls:
        shown = poller.shown_at(number, t0)
        if shown is None:
            level.unseen_by_poller += 1
        else:
            level.staleness.append(shown - t0)


def server_process_id(server: LiveServer) -> int:
    assert server.process is not None, "the server is not running"
    return server.process.pid


def raise_open_files_limit(clients: int) -> None:
    """Each client is a socket here and one in the server, which inherits this limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = clients + 1000
    if soft != resource.RLIM_INFINITY and soft < wanted:
        limit = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))


def settings() -> tuple[list[int], int]:
    levels = [int(n) for n in os.environ.get("BENCH_LIVE_CLIENTS", "").split(",") if n.strip()]
    workers = int(os.environ.get("BENCH_LIVE_WORKERS", WORKERS))
    return sorted(levels or LEVELS), workers


def print_table(levels: list[Level]) -> None:
    header = [
        "board clients",
        "connect+subscribe s",
        "RSS/conn KiB",
        "call-next p50 ms",
        "first `called` p50 ms",
        "last `called` p50 ms",
        "last `called` p99 ms",
        "failed rounds",
        f"polling ({POLL_INTERVAL_S:g} s) staleness mean / p99 ms",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" for _ in header) + "|")
    for level in levels:
        print("| " + " | ".join(level.row()) + " |")


def main() -> int:
    counts, workers = settings()
    raise_open_files_limit(max(counts))
    print(f"OneStop Queue live bench — {machine()}")
    print(
        f"one server process (SQLite); {workers} client process(es); {ROUNDS} call-next rounds "
        f"per level, {PAUSE_S} s apart; p99 of {ROUNDS} rounds is their maximum"
    )
    started = time.monotonic()
    levels: list[Level] = []
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite:///{tmp}/bench.db"
        reset_database(database)
        with LiveServer(database, Path(tmp)) as server, ClientPool(server.url, workers) as pool:
            server_pid = server_process_id(server)
            http = server.session(USER)
            desk_id = server.desk_ids(http, SITE)[DESK]
            http.post(f"{server.url}/api/v1/desks/{desk_id}/open", json={}).raise_for_status()
            tickets = f"{server.url}/api/v1/sites/{SITE}/tickets"
            for _ in range(ROUNDS * len(counts)):
                http.post(tickets, json={"service": SERVICE}).raise_for_status()
            # Warm-up: first requests and a first few sockets load code and fill caches that
            # would otherwise count as the first clients' memory.
            for _ in range(5):
                http.get(f"{server.url}/api/v1/sites/{SITE}/board").raise_for_status()
            pool.grow_to(WARMUP_CLIENTS)
            pool.close_all()
            time.sleep(1)  # the server notices the warm-up clients leave and lets them go
            rss_before = rss_kib(server_pid)
            poller = BoardPoller(server.url)
            poller.start()
            connect_s = 0.0
            try:
                for count in counts:
                    t0 = time.monotonic()
                    pool.grow_to(count)
                    connect_s += time.monotonic() - t0
                    level = Level(count, connect_s, (rss_kib(server_pid) - rss_before) / count)
                    call_rounds(server, http, desk_id, pool, poller, level)
                    levels.append(level)
                    print(
                        f"{count} clients: connected in {connect_s:.1f} s in all; "
                        f"{len(level.failed)} failed rounds; CPU during rounds: server "
                        f"{level.server_cpu_s:.1f} s, clients {level.client_cpu_s:.1f} s "
                        f"of {level.rounds_s:.1f} s",
                        flush=True,
                    )
                    for failure in level.failed:
                        print(f"  failed round {failure}")
            except (RuntimeError, requests.RequestException) as exc:
                print(f"stopped: {exc}")
            finally:
                poller.stopping.set()
                poller.join(15)
            if poller.errors:
                print(f"the polling display had {poller.errors} failed polls")
    print()
    print_table(levels)
    print(f"\ntotal {time.monotonic() - started:.1f} s")
    return 0 if levels and len(levels) == len(counts) else 1


if __name__ == "__main__":
    sys.exit(main())
