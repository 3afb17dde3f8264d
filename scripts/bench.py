"""Benchmark ticket issuing and call-next over HTTP against a real `queue-service serve` process.

Run with `make bench`. Uses SQLite (temporary file) and PostgreSQL (TEST_DATABASE_URL,
skipped when it cannot connect). All traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests
from benchlib import machine, ms, percentile, postgres_bench_url, print_table
from sqlalchemy.engine import make_url

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


def run_parallel(jobs: list[Callable[[], list[float]]]) -> list[float]:
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = [f.result() for f in [pool.submit(job) for job in jobs]]
    return [sample for part in results for sample in part]


def bench_tickets(server: LiveServer) -> dict[str, float]:
    sessions = thread_sessions(server, TICKET_THREADS)
    url = f"{server.url}/api/v1/sites/{SITE}/tickets"
    latencies: list[float] = []
    issued_time = 0.0
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

        t0 = time.perf_counter()
        latencies += run_parallel(
            [lambda h=h, c=c: worker(h, c) for h, c in zip(sessions, chunks, strict=True)]
        )
        issued_time += time.perf_counter() - t0
        # Untimed: cancel this round's waiting visits so the queue stays bounded.
        for visit_id in ids:
            r = sessions[0].post(f"{server.url}/api/v1/visits/{visit_id}/cancel", json={})
            check(r, f"POST visits/{visit_id}/cancel", (200,))
    return {
        "tickets_per_s": TICKETS / issued_time,
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


def run_database(label: str, url: str, instance_dir: Path) -> list[str] | None:
    print(f"\n== {label} ==")
    reset_database(url)
    with LiveServer(url, instance_dir) as server:
        print(
            f"[1] tickets: {TICKETS} POST /sites/{SITE}/tickets, {TICKET_THREADS} threads, "
            f"rounds of {ROUND}; waiting visits cancelled between rounds (cancel time excluded)"
        )
        t = bench_tickets(server)
        print(
            f"    {t['count']} tickets in {t['seconds']:.2f} s"
            f" -> {t['tickets_per_s']:.1f} tickets/s; p50 {ms(t['p50'])} ms, p99 {ms(t['p99'])} ms"
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
    return [
        label,
        f"{t['tickets_per_s']:.1f}",
        ms(t["p50"]),
        ms(t["p99"]),
        ms(c["p50"]),
        ms(c["p99"]),
    ]


def main() -> int:
    print(f"OneStop Queue bench — {machine()}")
    rows: list[list[str]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_dir = Path(tmp) / "sqlite"
        sqlite_dir.mkdir()
        try:
            rows.append(run_database("sqlite", f"sqlite:///{sqlite_dir}/bench.db", sqlite_dir))
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
                rows.append(run_database("postgresql", bench_url, pg_dir))
            except RuntimeError as exc:
                print(f"postgresql run failed: {exc}")

    header = [
        "database",
        "tickets/s",
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
