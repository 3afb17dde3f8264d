"""Benchmark the managers' reports over a million visits, on SQLite and on PostgreSQL.

Run with `make bench` (or alone: `python scripts/bench_reports.py`). The history is generated
once by seed-history into instance/bench/reports.db and a `<test db>_bench_reports` PostgreSQL
database (BENCH_REPORTS_DATABASE_URL overrides it; skipped when PostgreSQL cannot be
reached), then kept: later runs only time the reports, after migrating a database made by
older code to the newest schema (and analysing it again: SQLite rebuilds a table to change it,
which drops its statistics). BENCH_REPORTS_VISITS picks another size. Each figure is the
median of five runs of the report use case, as the API calls it (one run over the whole
history).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alembic.migration import MigrationContext
from benchlib import REPO, machine, postgres_bench_url, print_table
from sqlalchemy import Engine, func, select, text

from queue_service.app import create_app
from queue_service.clock import ManualClock
from queue_service.db import upgrade
from queue_service.models import Visit
from queue_service.rules import periods
from queue_service.rules.permissions import SYSTEM
from queue_service.services import history, reports, site_config
from queue_service.services.uow import UnitOfWork
from tests.conftest import RecordingPublisher, demo_document

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
VISITS = int(os.environ.get("BENCH_REPORTS_VISITS", "1000000"))
# History up to the end of 2025; 1,800 days (just under five years, the longest period a
# report may cover) at a busy shop's volume with ten desks per site makes a million visits.
TODAY = datetime(2026, 1, 1, 9, tzinfo=UTC)
DAYS = 1800
PER_DAY_FOR_A_MILLION = 390.0
DESKS = 10
QUARTER = "2025Q3"
RUNS = 5


def bench_sites() -> dict[str, Any]:
    """The demo sites with ten desks each, all serving every service."""
    document = demo_document()
    for site in document["site"]:
        codes = [s["code"] for s in site["service"]]
        site["desk"] = [{"name": f"Desk {n}", "services": codes} for n in range(1, DESKS + 1)]
    return document


def prepare(url: str) -> tuple[UnitOfWork, int]:
    """The database with its history, generated unless it is already there."""
    app = create_app(
        {
            "QUEUE_ENV": "bench",
            "SECRET_KEY": "bench",
            "DATABASE_URL": url,
            "PUBLIC_BASE_URL": "http://bench",
            "CLOCK": ManualClock(TODAY),
            "PUBLISHER": RecordingPublisher(),
        }
    )
    engine = app.extensions["queue_engine"]
    before = revision(engine)
    upgrade(engine)
    migrated = before is not None and revision(engine) != before
    if migrated:
        print(f"  migrated the bench database from {before} to {revision(engine)}")
    uow = UnitOfWork.for_app(app)
    count = visit_count(uow)
    generated = count < VISITS * 0.95
    if generated:
        site_config.load_sites(uow, bench_sites())
        per_day = PER_DAY_FOR_A_MILLION * VISITS / 1_000_000
        started = time.perf_counter()
        for slug in ("bootle", "southport"):
            history.seed_history(uow, slug, DAYS, seed=2025, visits_per_day=per_day)
        count = visit_count(uow)
        print(f"  generated {count:,} visits in {time.perf_counter() - started:.0f} s")
    if generated or migrated:
        analyse(uow)
    return uow, count


def revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None: a new database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def visit_count(uow: UnitOfWork) -> int:
    with uow.reading() as session:
        return session.scalar(select(func.count()).select_from(Visit)) or 0


def analyse(uow: UnitOfWork) -> None:
    """Fresh planner statistics, as a database that has been running a while would have."""
    with uow.writing() as session:
        session.execute(text("ANALYZE"))
        uow.commit()


def timed(
    uow: UnitOfWork, name: str, period: periods.Period, label: str, runs: int = RUNS
) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        reports.report(uow, SYSTEM, name, None, period, label)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(database: str, url: str) -> list[list[str]]:
    print(f"\n== {database} ==")
    uow, count = prepare(url)
    quarter = periods.named(QUARTER)
    everything = periods.between(date(2021, 1, 7), date(2025, 12, 31))
    # The whole history is far beyond what a manager asks for; one run shows the scale.
    cases = [
        ("standards", quarter, QUARTER, RUNS),
        ("hourly", quarter, QUARTER, RUNS),
        ("summary", quarter, QUARTER, RUNS),
        ("hourly", everything, "all history", 1),
    ]
    rows = []
    for name, period, label, runs in cases:
        seconds = timed(uow, name, period, label, runs)
        visits = period_visits(uow, period)
        rows.append([database, f"{count:,}", f"{name} {label}", f"{visits:,}", f"{seconds:.3f}"])
        print(f"  {name} {label}: {seconds:.3f} s over {visits:,} visits")
    return rows


def period_visits(uow: UnitOfWork, period: periods.Period) -> int:
    with uow.reading() as session:
        stmt = select(func.count()).where(Visit.local_date.between(period.first, period.last))
        return session.scalar(stmt) or 0


def main() -> int:
    print(f"OneStop Queue reports bench — {machine()}")
    print(f"(median of {RUNS} runs, both sites and all together, as GET /api/v1/reports/...)")
    folder = REPO / "instance" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    rows = run("sqlite", f"sqlite:///{folder / 'reports.db'}")
    pg_url = os.environ.get("TEST_DATABASE_URL", PG_DEFAULT)
    bench_url, problem = postgres_bench_url(pg_url, "_bench_reports", "BENCH_REPORTS_DATABASE_URL")
    if bench_url is None:
        print(f"\n== postgresql == skipped: cannot connect to {pg_url}: {problem}")
    else:
        rows += run("postgresql", bench_url)
    header = ["database", "visits in table", "report", "visits in period", "seconds"]
    print_table(header, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
