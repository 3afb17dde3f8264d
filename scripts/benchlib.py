"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def machine() -> str:
    """Which code ran where, for the top of a report."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    return f"commit {commit or '?'}, nproc {os.cpu_count()}, Python {platform.python_version()}"


def postgres_bench_url(
    test_url: str, suffix: str = "_bench", override: str = "BENCH_DATABASE_URL"
) -> tuple[str | None, str | None]:
    """A dedicated `<db><suffix>` database next to TEST_DATABASE_URL, so that a bench never
    drops tables under a test run using the test database. The `override` variable, when
    set, names the database instead. Returns the URL, or None and why it cannot be used."""
    if os.environ.get(override):
        target = make_url(os.environ[override])
    else:
        base = make_url(test_url)
        target = base.set(database=f"{base.database or 'postgres'}{suffix}")
    try:
        engine = create_engine(test_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            ).scalar()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
        engine.dispose()
    except Exception as exc:
        return None, str(exc).splitlines()[0]
    return target.render_as_string(hide_password=False), None


def print_table(header: list[str], rows: list[list[str]]) -> None:
    """Rows of text as an aligned table under its header."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print()
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
