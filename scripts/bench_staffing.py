"""Benchmark the staffing planner against a real `queue-service serve` process (SQLite).

Run alone: `python scripts/bench_staffing.py` (BENCH_STAFFING_DAYS and BENCH_STAFFING_PER_DAY
pick another history; 28 days of 130 visits by default, as the browser test seeds). Prints how
long the first and the second plan of a weekday take over HTTP, and how long `/healthz` and the
public board take to answer while the first plan is being worked out: the process serves
every lobby screen too, so what matters is that they answer while it plans.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from importlib.resources import files
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests
from benchlib import machine, print_table

from tests.support.liveserver import LiveServer, cli, reset_database

SITE, WEEKDAY, MANAGER = "bootle", "tue", "bootle-manager"
DAYS = os.environ.get("BENCH_STAFFING_DAYS", "28")
PER_DAY = os.environ.get("BENCH_STAFFING_PER_DAY", "130")
# The plan request is given this long to reach the server before the others are sent.
HEAD_START_S = 1.0


def timed_get(http: requests.Session, url: str) -> tuple[float, requests.Response]:
    started = time.perf_counter()
    response = http.get(url, timeout=600)
    return time.perf_counter() - started, response


def main() -> None:
    print(f"staffing planner: {machine()}; history {DAYS} days x {PER_DAY} visits at {SITE}")
    with tempfile.TemporaryDirectory(prefix="onestop-bench-staffing-") as workdir:
        url = f"sqlite:///{Path(workdir) / 'staffing.db'}"
        reset_database(url)
        with LiveServer(url, Path(workdir)) as server:
            sites = str(files("queue_service").joinpath("demo/sites.toml"))
            for args in (
                ("sites", "load", sites),
                ("seed-history", "--site", SITE, "--days", DAYS, "--per-day", PER_DAY),
            ):
                done = cli(server.env, *args)
                if done.returncode != 0:
                    raise SystemExit(f"{' '.join(args)} failed: {done.stderr}")
            manager = server.session(MANAGER)
            plan_url = f"{server.url}/api/v1/reports/staffing?site={SITE}&weekday={WEEKDAY}"
            first: dict[str, float] = {}

            def plan() -> None:
                seconds, response = timed_get(manager, plan_url)
                response.raise_for_status()
                first["plan"] = seconds

            planning = threading.Thread(target=plan)
            planning.start()
            time.sleep(HEAD_START_S)
            with requests.Session() as anyone:
                health, _ = timed_get(anyone, f"{server.url}/healthz")
                health_during = planning.is_alive()
                board, _ = timed_get(anyone, f"{server.url}/api/v1/sites/{SITE}/board")
                board_during = planning.is_alive()
            planning.join()
            second, response = timed_get(manager, plan_url)
            response.raise_for_status()
    print_table(
        ["request", "seconds", "answered while the first plan ran"],
        [
            ["first plan", f"{first['plan']:.2f}", "-"],
            ["second plan", f"{second:.2f}", "-"],
            ["/healthz during the first plan", f"{health:.3f}", str(health_during)],
            ["board during the first plan", f"{board:.3f}", str(board_during)],
        ],
    )


if __name__ == "__main__":
    main()
