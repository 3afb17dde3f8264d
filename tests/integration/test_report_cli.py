"""`queue-service import-visits`, `report` and `seed-history`, run as real processes."""

from __future__ import annotations

import csv
import io
import json
import os
from importlib.resources import files
from pathlib import Path

import pytest

from tests.support.liveserver import cli, reset_database

OCTOBER = Path(__file__).parents[1] / "data" / "bootle-october-2026.csv"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    reset_database(url)
    env = {**os.environ, "DATABASE_URL": url, "QUEUE_INSTANCE_DIR": str(tmp_path)}
    sites = str(files("queue_service").joinpath("demo/sites.toml"))
    assert cli(env, "sites", "load", sites).returncode == 0
    return env


def test_imported_visits_are_reported_as_csv_and_as_text(env: dict[str, str]) -> None:
    result = cli(env, "import-visits", str(OCTOBER))
    assert (result.returncode, result.stdout) == (0, f"imported 8 visits from {OCTOBER}\n")
    as_csv = cli(env, "report", "--site", "bootle", "--period", "2026-10", "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    (row,) = csv.DictReader(io.StringIO(as_csv.stdout))
    assert (row["visits"], row["median_wait_s"], row["pct_started_within_15_min"]) == (
        "8",
        "600.0",
        "83.3",
    )
    text = cli(env, "report", "--period", "2026Q4", "--report", "standards").stdout
    assert "Our aim: We aim to greet you within 2 minutes" in text
    assert "across our 2 One Stop Shop sites, was 12 minutes (Bootle 12 minutes" in text


def test_a_bad_row_is_one_line_naming_it_and_nothing_is_imported(
    env: dict[str, str], tmp_path: Path
) -> None:
    lines = OCTOBER.read_text().splitlines()
    lines[5] = lines[5].replace("walk_in", "drive_in")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    result = cli(env, "import-visits", str(bad))
    assert result.returncode == 1
    assert result.stderr == (
        "queue-service: error: line 6: kind: must be walk_in or appointment, not 'drive_in'\n"
    )
    summary = json.loads(cli(env, "report", "--period", "2026-10", "--format", "json").stdout)
    assert summary["visits"] == 0
    no_end = cli(env, "report", "--site", "bootle", "--from", "2026-10-01")
    assert no_end.returncode == 2
    assert "--to" in no_end.stderr and no_end.stderr.count("\n") == 1


def test_seed_history_shows_progress_and_adds_nothing_the_second_time(
    env: dict[str, str],
) -> None:
    first = cli(env, "seed-history", "--site", "southport", "--days", "7", "--per-day", "20")
    assert first.returncode == 0, first.stderr
    assert "southport: 7 days" in first.stderr
    assert int(first.stdout.split()[1]) > 50
    again = cli(env, "seed-history", "--site", "southport", "--days", "7", "--per-day", "20")
    assert again.stdout == "southport: 0 visits written\n"
