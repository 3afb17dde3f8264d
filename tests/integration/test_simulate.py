"""The day simulator: the real service layer on a virtual clock, deterministic, and strict about
its scenario file."""

from __future__ import annotations

import copy
import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest

from queue_service.simulation import runner, scenario
from tests.support.liveserver import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "scenario.json"


def example() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(EXAMPLE.read_text())
    return document


def run(document: dict[str, Any], seed: int = 0) -> dict[str, list[str]]:
    rows = runner.simulate(scenario.parse(document), seed)
    return {row[0]: row for row in runner.csv_rows(rows, "Europe/London")}


def test_a_day_runs_through_the_call_rule_and_the_desks_hours() -> None:
    rows = run(example())
    columns = runner.COLUMNS
    w1, w2, a1 = (dict(zip(columns, rows[k], strict=True)) for k in ("w1", "w2", "a1"))
    assert w1["service_started_at"] == "2025-07-01T08:40:00+01:00"
    assert w1["completed_at"] == "2025-07-01T08:47:00+01:00"  # its service_s, 420
    assert w2["service_started_at"] == "2025-07-01T08:47:00+01:00" and w2["wait_s"] == "360"
    assert w2["estimate_s"] not in ("", "0")
    # Checked in early: called when due (two minutes before its time), waited nothing.
    assert a1["called_at"] == "2025-07-01T09:58:00+01:00" and a1["wait_s"] == "0"


def test_a_closing_desk_finishes_its_visit_and_calls_nobody_after() -> None:
    document = example()
    document["events"].insert(
        4, {"at": "2025-07-01T08:41:30+01:00", "type": "desk_close", "desk": "Desk 1"}
    )
    rows = run(document)
    assert rows["w1"][10] == "2025-07-01T08:47:00+01:00"
    assert rows["w2"][9] == "" and rows["w2"][11] == ""


def test_the_same_scenario_and_seed_give_the_same_rows() -> None:
    # w3 has no service_s: its service time is drawn with the seed.
    first = run(example(), seed=7)
    assert run(example(), seed=7) == first
    assert run(example(), seed=8)["w3"] != first["w3"]


def _set(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    document = example()
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("events", 2, "service"), "XX", "events[2].service: unknown service 'XX'"),
        (("events", 2, "at"), "2025-07-01T08:40:00", "events[2].at: '2025-07-01T08:40:00' has no"),
        (("events", 2, "at"), "soon", "events[2].at: 'soon' is not an ISO 8601 time"),
        (("events", 3, "at"), "2025-07-01T08:00:00+01:00", "events[3].at: events must be in time"),
        (("events", 5, "id"), "zz", "events[5].id: no earlier book event with id 'zz'"),
        (("events", 2, "service_s"), -5, "events[2].service_s: must be a number of seconds"),
        (("events", 2, "priority"), "yes", "events[2].priority: must be true or false"),
        (("events", 0, "type"), "party", "events[0].type: unknown type 'party'"),
        (("events", 0, "desk"), "Desk 9", "events[0].desk: unknown desk 'Desk 9'"),
        (("events", 3, "id"), "w1", "events[3].id: 'w1' is used twice"),
        (("rota", 0, "to"), _DELETE, "rota[0].to: missing"),
        (("site", "desks", 0, "services"), ["XX"], "site.desks[0].services: unknown service"),
        (("settings", "walk_s"), -1, "settings.walk_s: must not be negative"),
        (("events",), [], "events: at least one event is needed"),
    ],
)
def test_a_bad_scenario_is_refused_naming_the_event_and_field(
    path: tuple[Any, ...], value: Any, message: str
) -> None:
    with pytest.raises(scenario.ScenarioError) as refused:
        scenario.parse(_set(path, value if value is _DELETE else copy.deepcopy(value)))
    assert message in str(refused.value)


def test_the_command_writes_the_csv_and_reports_bad_files(tmp_path: Path) -> None:
    env = {**os.environ, "QUEUE_INSTANCE_DIR": str(tmp_path)}
    out = tmp_path / "day.csv"
    done = cli(env, "simulate", "--scenario", str(EXAMPLE), "--out", str(out), "--seed", "1")
    assert done.returncode == 0, done.stderr
    with out.open() as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == runner.COLUMNS and len(rows) == 5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_set(("events", 2, "service"), "XX")))
    refused = cli(env, "simulate", "--scenario", str(bad), "--out", str(out))
    assert refused.returncode == 1
    assert "events[2].service: unknown service 'XX'" in refused.stderr
