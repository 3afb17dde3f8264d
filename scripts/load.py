"""Load test: the deployed layout through a busy spell, with every ticket and every call checked.

Run with `make load` (or `python scripts/load.py`). It stops by itself after LOAD_SECONDS
(default 300) and talks to 127.0.0.1 only. What runs:

- two gunicorn processes (deploy/gunicorn.conf.py) sharing PostgreSQL (a `<test db>_load`
  database next to TEST_DATABASE_URL, emptied first; LOAD_DATABASE_URL overrides it) and Redis
  (REDIS_URL, on a channel of its own), behind nginx configured from deploy/nginx/onestop.conf;
- LOAD_KIOSKS (50) kiosks, half per demo site, each taking a ticket for a random service every
  KIOSK_INTERVAL_S on average (exponential gaps), over kept-alive connections with its device
  token;
- LOAD_DESKS (20) desks, half per site, each signed in as an adviser of its own: call next,
  start after a short walk, complete after an exponential service time, wait a moment when
  nobody waits;
- LOAD_CLIENTS (2,000) Socket.IO clients in worker processes: nine in ten are lobby displays
  following a site's board, one in ten a phone following one ticket taken before the start.

nginx is sticky by client address (ip_hash, which keys IPv4 addresses on their first three
octets), so every simulated client binds to a 127.N.M.1 address of its own, as the tablets and
screens of a real lobby have different addresses: that spreads them over both processes.

At the end it checks, against the database, that no ticket was lost or numbered twice, that every
board client heard every call of its site and that each phone shows its visit as the database
has it; it prints API latency per endpoint and call-to-screen latency (from the desk's request
to the first and the last of its site's screens), and exits 1 on any error or failed check.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
import requests
import socketio
from benchlib import machine, ms, percentile, postgres_bench_url, print_table
from requests.adapters import HTTPAdapter
from sqlalchemy import create_engine, select, text

from queue_service.app import create_app
from queue_service.cli import DEMO_HOURS
from queue_service.models import Visit
from queue_service.services import accounts, site_config
from queue_service.services.uow import UnitOfWork
from tests.conftest import RecordingPublisher, demo_document
from tests.support.liveserver import CHEAP_PASSWORD_HASH, LiveServer, reset_database
from tests.support.nginx import GUNICORN, NGINX, nginx

SECONDS = float(os.environ.get("LOAD_SECONDS", "300"))
KIOSKS = int(os.environ.get("LOAD_KIOSKS", "50"))
DESKS = int(os.environ.get("LOAD_DESKS", "20"))
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "2000"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "2"))
# Each kiosk takes a ticket every 30 s on average: 100 an hour per kiosk, far above a real
# kiosk's, and together a little under what the desks can serve, so the queue stays busy.
KIOSK_INTERVAL_S = float(os.environ.get("LOAD_KIOSK_INTERVAL_S", "30"))
SERVICE_S = float(os.environ.get("LOAD_SERVICE_S", "6"))
WALK_S = 0.5
IDLE_S = 0.5
PHONE_SHARE = 0.1
SITES = ("bootle", "southport")
PASSWORD = "load-test-password"
TIMEOUT_S = 30.0
# After the last call, how long the screens have to hear it.
SETTLE_S = 10.0


def source_address(n: int) -> str:
    """The n-th client's own address, each in a /24 of its own (nginx's ip_hash key)."""
    return f"127.{1 + n // 250 % 250}.{1 + n % 250}.1"


class FromAddress(HTTPAdapter):
    """requests from a chosen local address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def http_from(n: int) -> requests.Session:
    http = requests.Session()
    http.mount("http://", FromAddress(source_address(n)))
    return http


def signed_in(url: str, n: int, username: str) -> requests.Session:
    """A staff member's session from the n-th address, with its CSRF header."""
    http = http_from(n)
    login = http.post(
        f"{url}/api/v1/auth/login",
        json={"username": username, "password": PASSWORD},
        timeout=TIMEOUT_S,
    )
    login.raise_for_status()
    http.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    return http


@dataclass
class Timings:
    """Latencies per endpoint and the failures seen, shared by the kiosk and desk threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(
        self, http: requests.Session, name: str, method: str, url: str, **kwargs: Any
    ) -> requests.Response | None:
        t0 = time.monotonic()
        try:
            response = http.request(method, url, timeout=TIMEOUT_S, **kwargs)
        except requests.RequestException as exc:
            with self.lock:
                self.errors.append(f"{name}: {exc!r}")
            return None
        elapsed = time.monotonic() - t0
        with self.lock:
            self.latencies[name].append(elapsed)
            if response.status_code >= 400:
                self.errors.append(f"{name}: HTTP {response.status_code} {response.text[:200]}")
        return response if response.ok else None


@dataclass(frozen=True)
class Call:
    site: str
    number: str
    sent: float


@dataclass(frozen=True)
class Ticket:
    site: str
    id: int
    number: str

    @classmethod
    def of(cls, site: str, visit: dict[str, Any]) -> Ticket:
        return cls(site, visit["id"], visit["number"])


class Kiosk(threading.Thread):
    def __init__(self, n: int, url: str, site: str, token: str, services: list[str], t: Timings):
        super().__init__(name=f"kiosk-{n}", daemon=True)
        self.http = http_from(n)
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.url = f"{url}/api/v1/sites/{site}/tickets"
        self.services = services
        self.timings = t
        self.random = random.Random(n)
        self.site = site
        self.issued: list[Ticket] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.random.expovariate(1 / KIOSK_INTERVAL_S)):
            body = {"service": self.random.choice(self.services)}
            response = self.timings.request(self.http, "POST tickets", "POST", self.url, json=body)
            if response is not None:
                self.issued.append(Ticket.of(self.site, response.json()))


class Desk(threading.Thread):
    def __init__(self, n: int, url: str, site: str, desk_id: int, username: str, t: Timings):
        super().__init__(name=f"desk-{n}", daemon=True)
        self.http = signed_in(url, 1000 + n, username)
        self.url = url
        self.site = site
        self.desk_id = desk_id
        self.username = username
        self.timings = t
        self.random = random.Random(1000 + n)
        self.calls: list[Call] = []
        self.stopping = threading.Event()

    def post(self, name: str, path: str) -> requests.Response | None:
        return self.timings.request(self.http, name, "POST", f"{self.url}{path}", json={})

    def run(self) -> None:
        desk = f"/api/v1/desks/{self.desk_id}"
        self.post("POST desk open", f"{desk}/open")
        while not self.stopping.is_set():
            sent = time.monotonic()
            response = self.post("POST call-next", f"{desk}/call-next")
            if response is None or response.status_code == 204:
                self.stopping.wait(IDLE_S)
                continue
            visit = response.json()
            self.calls.append(Call(self.site, visit["number"], sent))
            self.stopping.wait(WALK_S)
            self.post("POST start", f"/api/v1/visits/{visit['id']}/start")
            self.stopping.wait(self.random.expovariate(1 / SERVICE_S))
            # A visit started is completed even when the run is stopping: nothing left half done.
            self.post("POST complete", f"/api/v1/visits/{visit['id']}/complete")


# --- the Socket.IO clients, in worker processes -------------------------------------------


@dataclass(frozen=True)
class Screen:
    n: int
    site: str
    ticket: str | None  # a phone's ticket token; None for a display


@dataclass(frozen=True)
class Heard:
    """What one worker's clients heard: per site and number, how many heard the call and when
    the first and the last did; each phone's last ticket status; clients that dropped out."""

    boards: dict[str, int]
    calls: dict[tuple[str, str], tuple[int, float, float]]
    phones: dict[str, str]
    dropped: int
    failures: list[str]


class Clients:
    def __init__(self, url: str, screens: list[Screen]) -> None:
        self.url = url
        self.screens = screens
        self.sessions: dict[str, aiohttp.ClientSession] = {}
        self.clients: list[socketio.AsyncClient] = []
        self.calls: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.phones: dict[str, str] = {}
        self.boards: Counter[str] = Counter()
        self.dropped = 0
        self.closing = False
        self.failures: list[str] = []

    async def connect_all(self) -> None:
        for start in range(0, len(self.screens), 50):
            batch = self.screens[start : start + 50]
            results = await asyncio.gather(
                *(self.connect(s) for s in batch), return_exceptions=True
            )
            self.failures += [repr(r) for r in results if isinstance(r, BaseException)]
        # Frozen objects are not scanned by full collections, which stalled this loop
        # (scripts/bench_live.py measured it) and would show up as late calls.
        gc.collect()
        gc.freeze()

    async def connect(self, screen: Screen) -> None:
        address = source_address(screen.n)
        if address not in self.sessions:
            connector = aiohttp.TCPConnector(local_addr=(address, 0), limit=0)
            self.sessions[address] = aiohttp.ClientSession(connector=connector)
        client = socketio.AsyncClient(
            reconnection=False, handle_sigint=False, http_session=self.sessions[address]
        )
        client.on("disconnect", self.on_disconnect)
        if screen.ticket is None:
            client.on("called", self.on_called)
            subscription: dict[str, str] = {"site": screen.site, "view": "board"}
        else:
            token = screen.ticket
            client.on("ticket", lambda snapshot: self.on_ticket(token, snapshot))
            subscription = {"ticket": token}
        await client.connect(self.url, transports=["websocket"], wait_timeout=TIMEOUT_S)
        ack = await client.call("subscribe", subscription, timeout=TIMEOUT_S)
        if not ack.get("ok"):
            raise RuntimeError(f"subscribe refused: {ack}")
        if screen.ticket is None:
            self.boards[screen.site] += 1
        else:
            self.phones[screen.ticket] = ack["snapshot"]["status"]
        self.clients.append(client)

    def on_called(self, call: dict[str, Any]) -> None:
        self.calls[(call["site"], call["number"])].append(time.monotonic())

    def on_ticket(self, token: str, snapshot: dict[str, Any]) -> None:
        self.phones[token] = snapshot["status"]

    def on_disconnect(self, *reason: object) -> None:
        if not self.closing:
            self.dropped += 1

    def heard(self) -> Heard:
        return Heard(
            dict(self.boards),
            {k: (len(v), min(v), max(v)) for k, v in self.calls.items()},
            dict(self.phones),
            self.dropped,
            self.failures,
        )

    async def close(self) -> None:
        self.closing = True
        await asyncio.gather(*(c.disconnect() for c in self.clients), return_exceptions=True)
        await asyncio.gather(*(s.close() for s in self.sessions.values()))


def run_worker(url: str, screens: list[Screen], pipe: Connection) -> None:
    async def serve() -> None:
        clients = Clients(url, screens)
        await clients.connect_all()
        pipe.send(clients.failures)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, pipe.recv)  # the run is over
        pipe.send(clients.heard())
        await clients.close()

    asyncio.run(serve())


@contextmanager
def client_workers(url: str, screens: list[Screen]) -> Iterator[list[Connection]]:
    context = multiprocessing.get_context("spawn")
    pipes, processes = [], []
    for w in range(WORKERS):
        ours, theirs = context.Pipe()
        process = context.Process(
            target=run_worker, args=(url, screens[w::WORKERS], theirs), daemon=True
        )
        process.start()
        pipes.append(ours)
        processes.append(process)
    try:
        yield pipes
    finally:
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.terminate()


# --- setting up and checking ----------------------------------------------------------------


@dataclass
class Setup:
    kiosks: list[tuple[str, str]]  # site, device token: a kiosk each
    desks: list[tuple[str, int, str]]  # site, desk id, username
    services: dict[str, list[str]]


def prepare(url: str, server: LiveServer) -> Setup:
    """The demo sites, open all day, with ten desks each serving every service, an adviser
    per desk, a receptionist per site and the kiosks, each paired on its own."""
    app = create_app(
        {
            "SECRET_KEY": "load",
            "DATABASE_URL": url,
            "PUBLIC_BASE_URL": "http://load",
            "PUBLISHER": RecordingPublisher(),
            "PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
        }
    )
    uow = UnitOfWork.for_app(app)
    document = demo_document()
    per_site = -(-DESKS // len(SITES))
    services = {}
    for site in document["site"]:
        codes = [s["code"] for s in site["service"]]
        services[site["slug"]] = codes
        site["opening_hours"] = DEMO_HOURS
        site["desk"] = [{"name": f"Desk {n}", "services": codes} for n in range(1, per_site + 1)]
    site_config.load_sites(uow, document)
    kiosks = []
    for n in range(KIOSKS):
        slug = SITES[n % len(SITES)]
        kiosks.append((slug, accounts.add_device(uow, slug, "kiosk", f"load kiosk {n}")))
    for slug in SITES:
        accounts.add_user(uow, f"load-{slug}-reception", PASSWORD, "reception", [slug])
    ids = {slug: server.desk_ids(requests.Session(), slug) for slug in SITES}
    desks = []
    for n in range(DESKS):
        slug = SITES[n % len(SITES)]
        name = f"Desk {n // len(SITES) + 1}"
        username = f"load-{slug}-{n}"
        accounts.add_user(uow, username, PASSWORD, "adviser", [slug])
        desks.append((slug, ids[slug][name], username))
    return Setup(kiosks, desks, services)


def connections(port: int) -> int:
    """Established TCP connections to a local port (nginx's to one server process)."""
    listed = subprocess.run(
        ["ss", "-Htn", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=True,
    )
    return len(listed.stdout.splitlines())


class ConnectionCount(threading.Thread):
    """The most PostgreSQL connections open on the load database at once, sampled each second."""

    def __init__(self, url: str) -> None:
        super().__init__(name="pg-connections", daemon=True)
        self.engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        self.most = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        query = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        with self.engine.connect() as connection:
            while not self.stopping.wait(1.0):
                # Less this sampler's own connection.
                self.most = max(self.most, (connection.execute(query).scalar() or 1) - 1)
                connection.rollback()
        self.engine.dispose()


def visits_in(url: str) -> set[int]:
    """The ids of every visit in the database."""
    app = create_app({"SECRET_KEY": "load", "DATABASE_URL": url, "PUBLIC_BASE_URL": "http://x"})
    with UnitOfWork.for_app(app).reading() as session:
        return set(session.scalars(select(Visit.id)))


def main() -> int:
    if NGINX is None:
        print("nginx is not installed (Debian: apt-get install nginx-light)")
        return 1
    test_url = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    database, why = postgres_bench_url(test_url, "_load", "LOAD_DATABASE_URL")
    if database is None:
        print(f"PostgreSQL cannot be used: {why}")
        return 1
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the servers inherit it
    reset_database(database)
    env = {
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "REDIS_CHANNEL": f"onestop-load-{uuid.uuid4()}",
        "SECRET_KEY": uuid.uuid4().hex,
        # Behind nginx, as deployed: each client's own address counts, not nginx's.
        "TRUSTED_PROXIES": "1",
    }
    print(f"OneStop Queue load test — {machine()}")
    print(
        f"{SECONDS:.0f} s; two gunicorn processes + PostgreSQL + Redis behind nginx; {KIOSKS} "
        f"kiosks (a ticket every {KIOSK_INTERVAL_S:g} s each), {DESKS} desks (service "
        f"{SERVICE_S:g} s), {CLIENTS} Socket.IO clients in {WORKERS} worker processes"
    )
    timings, setup_timings = Timings(), Timings()
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        a = stack.enter_context(LiveServer(database, Path(tmp), command=GUNICORN, **env))
        setup = prepare(database, a)
        b = stack.enter_context(
            LiveServer(database, Path(tmp), seed=False, command=GUNICORN, **env)
        )
        # Each client holds a connection to nginx and one from nginx to a process.
        url = stack.enter_context(
            nginx(Path(tmp) / "nginx", [a.port, b.port], connections=2 * CLIENTS + 1000)
        )
        phones = int(CLIENTS * PHONE_SHARE)
        # The phones follow tickets that reception took before the start.
        reception = {
            slug: signed_in(url, n, f"load-{slug}-reception") for n, slug in enumerate(SITES)
        }
        screens, tickets = [], []
        for n in range(CLIENTS):
            site = SITES[n % len(SITES)]
            ticket = None
            if n < phones:
                response = setup_timings.request(
                    reception[site],
                    "POST tickets",
                    "POST",
                    f"{url}/api/v1/sites/{site}/tickets",
                    json={"service": setup.services[site][0]},
                )
                if response is None:
                    print(f"taking the phones' tickets: {setup_timings.errors[-1]}")
                    return 1
                ticket = response.json()["token"]
                tickets.append(Ticket.of(site, response.json()))
            screens.append(Screen(n, site, ticket))
        t0 = time.monotonic()
        pipes = stack.enter_context(client_workers(url, screens))
        for pipe in pipes:
            if not pipe.poll(600):
                print("a client worker did not connect its clients within 10 minutes")
                return 1
            if failed := pipe.recv():
                print(f"{len(failed)} clients could not connect and subscribe, e.g. {failed[0]}")
                return 1
        print(
            f"{CLIENTS} clients connected and subscribed in {time.monotonic() - t0:.1f} s; "
            f"connections from nginx to the processes: {connections(a.port)} and "
            f"{connections(b.port)}"
        )
        kiosks = [
            Kiosk(n, url, site, token, setup.services[site], timings)
            for n, (site, token) in enumerate(setup.kiosks)
        ]
        desks = [
            Desk(n, url, site, desk_id, user, timings)
            for n, (site, desk_id, user) in enumerate(setup.desks)
        ]
        workers: list[Kiosk | Desk] = [*kiosks, *desks]
        pool = ConnectionCount(database)
        pool.start()
        for worker in workers:
            worker.start()
        time.sleep(SECONDS)
        for worker in workers:
            worker.stopping.set()
        for worker in workers:
            worker.join(TIMEOUT_S * 3)
        time.sleep(SETTLE_S)
        pool.stopping.set()
        print(f"PostgreSQL connections of both processes at most: {pool.most}")
        for pipe in pipes:
            pipe.send("report")
        heard: list[Heard | None] = [pipe.recv() if pipe.poll(120) else None for pipe in pipes]
        tickets += [t for k in kiosks for t in k.issued]
        stored = visits_in(database)
        truth = {}
        for screen in screens:
            if screen.ticket:
                got = requests.get(f"{url}/api/v1/tickets/{screen.ticket}", timeout=TIMEOUT_S)
                truth[screen.ticket] = got.json()["status"]
    return report(timings, [c for d in desks for c in d.calls], heard, tickets, stored, truth)


def report(
    timings: Timings,
    calls: list[Call],
    heard: list[Heard | None],
    tickets: list[Ticket],
    stored: set[int],
    truth: dict[str, str],
) -> int:
    failures = list(timings.errors)
    if any(h is None for h in heard):
        failures.append("a client worker did not report")
    reports = [h for h in heard if h is not None]
    for h in reports:
        failures += [f"client: {f}" for f in h.failures]
        if h.dropped:
            failures.append(f"{h.dropped} clients dropped out")
    boards: Counter[str] = Counter()
    for h in reports:
        boards.update(h.boards)
    first, last, undelivered = [], [], 0
    for call in calls:
        got = [
            h.calls[(call.site, call.number)]
            for h in reports
            if (call.site, call.number) in h.calls
        ]
        count = sum(g[0] for g in got)
        if count < boards[call.site]:
            undelivered += 1
        if got:
            first.append(min(g[1] for g in got) - call.sent)
            last.append(max(g[2] for g in got) - call.sent)
    phones = {t: s for h in reports for t, s in h.phones.items()}
    wrong = [t for t, s in truth.items() if phones.get(t) != s]
    lost = [t for t in tickets if t.id not in stored]
    unasked = len(stored - {t.id for t in tickets})
    twice = sum(n - 1 for n in Counter((t.site, t.number) for t in tickets).values())
    if lost:
        failures.append(f"{len(lost)} issued tickets are not in the database, e.g. {lost[0]}")
    if unasked:
        failures.append(f"{unasked} visits in the database were never issued")
    if twice:
        failures.append(f"{twice} ticket numbers given twice")
    if undelivered:
        failures.append(f"{undelivered} of {len(calls)} calls not heard by every screen")
    if wrong:
        failures.append(f"{len(wrong)} of {len(truth)} phones do not show their visit's status")
    rows = [
        [name, str(len(t)), ms(percentile(t, 50)), ms(percentile(t, 99)), ms(max(t))]
        for name, t in sorted(timings.latencies.items())
    ]
    print_table(["endpoint", "requests", "p50 ms", "p99 ms", "max ms"], rows)
    if first:
        screens = f"{sum(boards.values())} screens"
        print_table(
            ["call to screen", "calls", "p50 ms", "p99 ms", "max ms"],
            [
                [
                    "first screen",
                    str(len(first)),
                    ms(percentile(first, 50)),
                    ms(percentile(first, 99)),
                    ms(max(first)),
                ],
                [
                    f"last of {screens}",
                    str(len(last)),
                    ms(percentile(last, 50)),
                    ms(percentile(last, 99)),
                    ms(max(last)),
                ],
            ],
        )
    print(
        f"\ntickets issued {len(tickets)}, lost {len(lost)}, numbers given twice {twice}; "
        f"calls {len(calls)}, not heard by every screen {undelivered}; phones {len(truth)}, "
        f"showing another status than the database {len(wrong)}; errors {len(timings.errors)}"
    )
    for failure in failures[:20]:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
