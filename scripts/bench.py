"""Benchmark ticket issuing and call-next over HTTP against a real `queue-service serve` process.

Run with `make bench`. Uses SQLite (temporary file) and PostgreSQL (TEST_DATABASE_URL,
skipped when it cannot connect). All traffic goes to 127.0.0.1.

Section [1] issues tickets as a signed-in adviser (a session cookie) by default. With
`--as kiosk` it issues them the way kiosks do, each thread with the site's paired kiosk's
bearer token and no cookie; the server then runs with `RATE_LIMIT_KIOSK=0`, since eight
threads issue far faster than a person at a kiosk can and the limit would refuse them — for
a throughput bench that is the point, not a weakness.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests
from benchlib import machine, ms, percentile, postgres_bench_url, print_table
from sqlalchemy.engine import make_url

from queue_service.rules.estimate import REPLAYS, DeskState, forecast
from queue_service.rules.next_visit import CallPolicy, Candidate
from queue_service.rules.service_times import default_time
from tests.support.liveserver import LiveServer, reset_database

SITE = "bootle"
USER = "bootle-adviser"
TICKETS = 500
ROUND = 100
TICKET_THREADS = 8
TICKET_SERVICES = ["CT", "BEN", "HOU", "GEN"]
CALL_TICKETS = 200
CALL_SERVICES = ["GEN", "CT", "HOU"]
MAX_CALLS_PER_DESK = CALL_TICKETS + 10
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
LEVELS = (10, 50, 200, 1000)
LEVEL_SAMPLES = 30
PAUSE_S = 0.25

server_errors: list[str] = []
errors_lock = threading.Lock()


def check(response: requests.Response, what: str, ok: tuple[int, ...]) -> requests.Response:
    if response.status_code not in ok:
        line = f"{what}: HTTP {response.status_code} {response.text[:300]!r}"
        with errors_lock:
            server_errors.append(line)
        raise RuntimeError(line)
    return response


def thread_sessions(server: LiveServer, count: int) -> list[requests.Session]:
    return [server.session(USER) for _ in range(count)]


def kiosk_sessions(server: LiveServer, count: int) -> list[requests.Session]:
    """Kept-alive connections carrying the site's kiosk token, as a paired kiosk sends it."""
    token = server.token(SITE, "kiosk")
    sessions = [requests.Session() for _ in range(count)]
    for http in sessions:
        http.headers["Authorization"] = f"Bearer {token}"
    return sessions


def run_parallel(jobs: list[Callable[[], list[float]]]) -> list[float]:
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = [f.result() for f in [pool.submit(job) for job in jobs]]
    return [sample for part in results for sample in part]


def server_cpu_s(server: LiveServer) -> float:
    """CPU seconds the server process has used (Linux): a figure that, unlike throughput,
    does not depend much on what else the machine is doing."""
    assert server.process is not None
    fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_tickets(server: LiveServer, as_kiosk: bool) -> dict[str, float]:
    staff = server.session(USER)
    sessions = (kiosk_sessions if as_kiosk else thread_sessions)(server, TICKET_THREADS)
    url = f"{server.url}/api/v1/sites/{SITE}/tickets"
    latencies: list[float] = []
    issued_time = cpu = 0.0
    counter = 0
    for start in range(0, TICKETS, ROUND):
        size = min(ROUND, TICKETS - start)
        ids: list[int] = []
        ids_lock = threading.Lock()
        services = [TICKET_SERVICES[(counter + i) % len(TICKET_SERVICES)] for i in range(size)]
        counter += size
        chunks = [services[t::TICKET_THREADS] for t in range(TICKET_THREADS)]

        def worker(
            http: requests.Session,
            chunk: list[str],
            ids: list[int] = ids,
            ids_lock: threading.Lock = ids_lock,
        ) -> list[float]:
            samples = []
            for service in chunk:
                t0 = time.perf_counter()
                r = http.post(url, json={"service": service})
                samples.append(time.perf_counter() - t0)
                check(r, "POST tickets", (201,))
                with ids_lock:
                    ids.append(r.json()["id"])
            return samples

        t0, cpu0 = time.perf_counter(), server_cpu_s(server)
        latencies += run_parallel(
            [lambda h=h, c=c: worker(h, c) for h, c in zip(sessions, chunks, strict=True)]
        )
        issued_time += time.perf_counter() - t0
        # The snapshots this round set off are the tickets' cost too: let them finish.
        time.sleep(PAUSE_S * 2)
        cpu += server_cpu_s(server) - cpu0
        # Untimed: cancel this round's waiting visits so the queue stays bounded.
        for visit_id in ids:
            r = staff.post(f"{server.url}/api/v1/visits/{visit_id}/cancel", json={})
            check(r, f"POST visits/{visit_id}/cancel", (200,))
    return {
        "tickets_per_s": TICKETS / issued_time,
        "cpu_per_ticket": cpu / TICKETS,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "count": len(latencies),
        "seconds": issued_time,
    }


def bench_call_next(server: LiveServer) -> dict[str, float]:
    admin = server.session(USER)
    desks = check(admin.get(f"{server.url}/api/v1/sites/{SITE}"), "GET site", (200,)).json()
    desk_ids = [d["id"] for d in desks["desks"]]
    for desk_id in desk_ids:
        check(admin.post(f"{server.url}/api/v1/desks/{desk_id}/open", json={}), "open", (200,))
    for i in range(CALL_TICKETS):
        service = CALL_SERVICES[i % len(CALL_SERVICES)]
        r = admin.post(f"{server.url}/api/v1/sites/{SITE}/tickets", json={"service": service})
        check(r, "POST tickets", (201,))
    sessions = thread_sessions(server, len(desk_ids))

    def worker(http: requests.Session, desk_id: int) -> list[float]:
        samples = []
        for _ in range(MAX_CALLS_PER_DESK):
            t0 = time.perf_counter()
            r = http.post(f"{server.url}/api/v1/desks/{desk_id}/call-next", json={})
            samples.append(time.perf_counter() - t0)
            check(r, f"POST desks/{desk_id}/call-next", (200, 204))
            if r.status_code == 204:
                break
            visit_id = r.json()["id"]
            for action in ("start", "complete"):
                r = http.post(f"{server.url}/api/v1/visits/{visit_id}/{action}", json={})
                check(r, f"POST visits/{visit_id}/{action}", (200,))
        return samples

    latencies = run_parallel(
        [lambda h=h, d=d: worker(h, d) for h, d in zip(sessions, desk_ids, strict=True)]
    )
    return {
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "count": len(latencies),
    }


def timed(call: Callable[[], requests.Response], what: str, ok: tuple[int, ...]) -> float:
    t0 = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - t0
    check(response, what, ok)
    return elapsed


def bench_by_queue_length(server: LiveServer) -> list[list[str]]:
    """Ticket, board and /healthz latency, one kept-alive client, as the queue grows. Each
    timed ticket is followed by an untimed pause, so the snapshots it sets off are built
    before the next request, as between two real customers."""
    http = server.session(USER)
    site = check(http.get(f"{server.url}/api/v1/sites/{SITE}"), "GET site", (200,)).json()
    for desk in site["desks"]:
        check(http.post(f"{server.url}/api/v1/desks/{desk['id']}/open", json={}), "open", (200,))
    tickets = f"{server.url}/api/v1/sites/{SITE}/tickets"
    fillers = [server.session(USER) for _ in range(TICKET_THREADS)]
    waiting = 0
    rows = []
    for level in LEVELS:
        need = level - waiting

        def fill(h: requests.Session, count: int) -> list[float]:
            for i in range(count):
                service = TICKET_SERVICES[i % len(TICKET_SERVICES)]
                check(h.post(tickets, json={"service": service}), "POST tickets", (201,))
            return []

        run_parallel(
            [
                lambda h=h, n=n: fill(h, n)
                for h, n in zip(
                    fillers,
                    [
                        need // TICKET_THREADS + (i < need % TICKET_THREADS)
                        for i in range(TICKET_THREADS)
                    ],
                    strict=True,
                )
            ]
        )
        waiting = level
        time.sleep(PAUSE_S * 4)
        health, board, ticket = [], [], []
        for i in range(LEVEL_SAMPLES):
            health.append(timed(lambda: http.get(f"{server.url}/healthz"), "healthz", (200,)))
            board.append(
                timed(lambda: http.get(f"{server.url}/api/v1/sites/{SITE}/board"), "board", (200,))
            )
            service = TICKET_SERVICES[i % len(TICKET_SERVICES)]
            ticket.append(
                timed(lambda s=service: http.post(tickets, json={"service": s}), "ticket", (201,))
            )
            waiting += 1
            time.sleep(PAUSE_S)
        h, b, t = (percentile(x, 50) for x in (health, board, ticket))
        rows.append([str(level), ms(h), ms(t), ms(b), f"{t / h:.1f}"])
        print(f"    {level:>5} waiting: healthz {ms(h)} ms, ticket {ms(t)} ms, board {ms(b)} ms")
    return rows


def aims(levels: list[list[str]]) -> str:
    """The issue's latency aims, as measured: at 50 waiting a ticket costs at most 6 /healthz,
    and a ticket at 200 waiting at most twice one at 10."""
    by_level = {int(row[0]): row for row in levels}
    ratio_50 = float(by_level[50][4])
    growth = float(by_level[200][2]) / float(by_level[10][2])
    return (
        f"aims: ticket/healthz at 50 waiting {ratio_50:.1f} (at most 6); "
        f"ticket at 200 / at 10 waiting {growth:.2f} (at most 2)"
    )


def run_database(
    label: str, url: str, instance_dir: Path, as_kiosk: bool
) -> tuple[list[str], list[list[str]]]:
    print(f"\n== {label} ==")
    reset_database(url)
    live = (
        LiveServer(url, instance_dir, RATE_LIMIT_KIOSK="0")
        if as_kiosk
        else LiveServer(url, instance_dir)
    )
    with live as server:
        print(
            f"[1] tickets: {TICKETS} POST /sites/{SITE}/tickets, {TICKET_THREADS} threads "
            f"as {'the kiosk (bearer token)' if as_kiosk else USER + ' (session cookie)'}, "
            f"rounds of {ROUND}; waiting visits cancelled between rounds (cancel time excluded)"
        )
        t = bench_tickets(server, as_kiosk)
        print(
            f"    {t['count']} tickets in {t['seconds']:.2f} s"
            f" -> {t['tickets_per_s']:.1f} tickets/s; p50 {ms(t['p50'])} ms, p99 {ms(t['p99'])} ms;"
            f" server CPU {ms(t['cpu_per_ticket'])} ms a ticket (its snapshots included)"
        )
        print(
            f"[2] call-next: {CALL_TICKETS} tickets ({'/'.join(CALL_SERVICES)}), all desks open, "
            "one thread per desk; call-next timed, start/complete untimed"
        )
        c = bench_call_next(server)
        print(
            f"    {c['count']} call-next requests (incl. final 204s); "
            f"p50 {ms(c['p50'])} ms, p99 {ms(c['p99'])} ms"
        )
        print(
            f"[3] by queue length: one kept-alive client, {LEVEL_SAMPLES} of each request per "
            f"level, every desk open, {PAUSE_S} s between tickets; medians"
        )
        levels = bench_by_queue_length(server)
    return [
        label,
        f"{t['tickets_per_s']:.1f}",
        ms(t["cpu_per_ticket"]),
        ms(t["p50"]),
        ms(t["p99"]),
        ms(c["p50"]),
        ms(c["p99"]),
    ], levels


def bench_estimator() -> None:
    """The estimator alone (a pure function): 50 waiting over five services, 8 busy desks."""
    now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    rng = random.Random(1)
    times = {s: default_time(300 + 120 * s) for s in range(1, 6)}
    desks = [
        DeskState(
            desk_id=i,
            service_ids=frozenset(rng.sample(range(1, 6), 3)),
            is_open=True,
            current_service_id=1 + i % 5,
            current_started_at=now - timedelta(minutes=i),
        )
        for i in range(8)
    ]
    waiting = [
        Candidate(i, rng.randint(1, 5), now - timedelta(minutes=50 - i), priority=i % 9 == 0)
        for i in range(50)
    ]
    samples = []
    for _ in range(30):
        t0 = time.process_time()
        forecast(now, desks, waiting, times, CallPolicy())
        samples.append(time.process_time() - t0)
    print(
        f"estimator: 50 waiting, 8 desks, {REPLAYS} replays: median {ms(percentile(samples, 50))}"
        f" ms of CPU, p90 {ms(percentile(samples, 90))} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--as",
        dest="issuer",
        choices=("staff", "kiosk"),
        default="staff",
        help="who issues section [1]'s tickets (default: a signed-in adviser)",
    )
    as_kiosk = parser.parse_args().issuer == "kiosk"
    print(f"OneStop Queue bench — {machine()}")
    bench_estimator()
    rows: list[list[str]] = []
    level_tables: dict[str, list[list[str]]] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_dir = Path(tmp) / "sqlite"
        sqlite_dir.mkdir()
        try:
            row, level_tables["sqlite"] = run_database(
                "sqlite", f"sqlite:///{sqlite_dir}/bench.db", sqlite_dir, as_kiosk
            )
            rows.append(row)
        except RuntimeError as exc:
            print(f"sqlite run failed: {exc}")

        pg_url = os.environ.get("TEST_DATABASE_URL", PG_DEFAULT)
        bench_url, problem = postgres_bench_url(pg_url)
        if bench_url is None:
            print(f"\n== postgresql == skipped: cannot connect to {pg_url}: {problem}")
        else:
            pg_dir = Path(tmp) / "pg"
            pg_dir.mkdir()
            try:
                print(f"\n(postgresql bench database: {make_url(bench_url).database})")
                row, level_tables["postgresql"] = run_database(
                    "postgresql", bench_url, pg_dir, as_kiosk
                )
                rows.append(row)
            except RuntimeError as exc:
                print(f"postgresql run failed: {exc}")

    for label, levels in level_tables.items():
        print(f"\n{label}: latency by queue length (median ms, one kept-alive client)")
        print_table(["waiting", "healthz", "ticket", "board", "ticket/healthz"], levels)
        print(aims(levels))
    print()
    header = [
        "database",
        "tickets/s",
        "server CPU ms/ticket",
        "ticket p50 ms",
        "ticket p99 ms",
        "call-next p50 ms",
        "call-next p99 ms",
    ]
    print_table(header, rows)
    if server_errors:
        print("\nserver errors:")
        for line in server_errors:
            print(f"  {line}")
    print(f"\ntotal {time.perf_counter() - started:.1f} s")
    return 1 if server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
