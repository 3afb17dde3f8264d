"""Reports over small hand-made histories, with the expected figures worked out by hand
(DESIGN §8), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from queue_service.clock import ManualClock
from queue_service.services import accounts
from queue_service.services.uow import UnitOfWork
from tests.conftest import PASSWORD, desk_id, signed_in
from tests.support.past_visits import import_rows

# Bootle in October 2026 (BST until 25 October): eight visits, the last on the 25th after
# the clock went back. The comments give each visit's measures.
OCTOBER = Path(__file__).parents[1] / "data" / "bootle-october-2026.csv"
# greet: 60 120 180 30 60 60 60 s      -> 6 of 7 within 2 min (120 counts as met)
# wait: 600 900 1800 | 180 600 | 300 s -> 5 of 6 within 15 min; appointments wait from 10:00
#                                          (early) and from 11:05 (late): lateness 180, 600
# service: 600 600 600 1200 1200 300 s
BOOTLE_OCTOBER = {
    "visits": 8,
    "served": 6,
    "no_shows": 1,
    "left": 1,
    "cancelled": 0,
    "unserved_at_close": 0,
    "in_progress": 0,
    "greeted": 7,
    "greeted_within_2_min": 6,
    "pct_greeted_within_2_min": 85.7,
    "avg_time_to_greet_s": 81.4,
    "median_time_to_greet_s": 60.0,
    "p90_time_to_greet_s": 144.0,  # 120 + 0.4 x (180 - 120)
    "started": 6,
    "started_within_15_min": 5,
    "pct_started_within_15_min": 83.3,
    "avg_wait_s": 730.0,
    "median_wait_s": 600.0,
    "p90_wait_s": 1350.0,  # 900 + 0.5 x (1800 - 900)
    "appointments": 2,
    "appointments_started": 2,
    "appointments_on_time": 1,
    "pct_appointments_on_time": 50.0,
    "avg_appointment_lateness_s": 390.0,
    "median_appointment_lateness_s": 390.0,
    "p90_appointment_lateness_s": 558.0,  # 180 + 0.9 x 420
    "completed": 6,
    "avg_service_time_s": 750.0,
    "median_service_time_s": 600.0,
    "p90_service_time_s": 1200.0,
    "estimates": 0,
    "estimate_mean_abs_error_s": None,
    "estimate_bias_s": None,
    "pct_within_estimate_range": None,
}
API = "/api/v1/reports"


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    import_rows(app, *OCTOBER.read_text().splitlines()[1:])
    return signed_in(app, "bootle-manager")


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    import_rows(app, *OCTOBER.read_text().splitlines()[1:])
    accounts.add_user(UnitOfWork.for_app(app), "admin", PASSWORD, "admin", [])
    return signed_in(app, "admin")


def test_summary_of_a_site_gives_every_measure_as_worked_out_by_hand(
    manager: FlaskClient,
) -> None:
    body = manager.get(f"{API}/summary?site=bootle&period=2026-10").json
    assert (body["from"], body["to"], body["period"]) == ("2026-10-01", "2026-10-31", "2026-10")
    assert body["rows"] == [{"site": "bootle", **BOOTLE_OCTOBER}]
    assert {k: body[k] for k in BOOTLE_OCTOBER} == BOOTLE_OCTOBER


def test_all_sites_give_each_site_then_all_together_and_a_site_without_data_has_zeros(
    admin: FlaskClient,
) -> None:
    body = admin.get(f"{API}/summary?from=2026-10-01&to=2026-10-31").json
    assert body["sites"] == ["bootle", "southport"]
    bootle, southport, combined = body["rows"]
    assert bootle == {"site": "bootle", **BOOTLE_OCTOBER}
    assert combined == {"site": "all", **BOOTLE_OCTOBER}
    assert southport["site"] == "southport"
    assert southport["visits"] == southport["served"] == southport["greeted"] == 0
    assert southport["avg_wait_s"] is None
    assert southport["pct_started_within_15_min"] is None


def _walk_in(site: str, hour: int, wait_s: int) -> str:
    """A served walk-in on 3 November 2026 (GMT) who waited `wait_s` seconds."""
    arrived = datetime(2026, 11, 3, hour, tzinfo=UTC)
    started = arrived + timedelta(seconds=wait_s)
    times = [t.isoformat() for t in (arrived, started, started + timedelta(minutes=5))]
    return f"{site},GEN,walk_in,{times[0]},,,{times[1]},{times[2]},,done"


def test_percentiles_of_each_site_and_of_all_sites_come_from_their_own_visits(
    app: Flask,
) -> None:
    waits = {("bootle", 10): [60, 300, 900], ("southport", 10): [120, 300, 600, 1200],
             ("bootle", 14): [30], ("southport", 14): [30]}  # fmt: skip
    import_rows(app, *(_walk_in(site, hour, w) for (site, hour), ws in waits.items() for w in ws))
    accounts.add_user(UnitOfWork.for_app(app), "admin", PASSWORD, "admin", [])
    admin = signed_in(app, "admin")
    summary = admin.get(f"{API}/summary?period=2026-11-03").json["rows"]
    # bootle 30 60 300 900; southport 30 120 300 600 1200; all nine, 300 twice.
    assert [(r["site"], r["median_wait_s"], r["p90_wait_s"]) for r in summary] == [
        ("bootle", 180.0, 720.0),  # 60 + 0.5 x 240; 300 + 0.7 x 600
        ("southport", 300.0, 960.0),  # 600 + 0.6 x 600
        ("all", 300.0, 960.0),  # rank 4 of 0-8; 900 + 0.2 x 300
    ]
    hourly = admin.get(f"{API}/hourly?period=2026-11-03").json["rows"]
    assert [(r["site"], r["hour"], r["median_wait_s"], r["p90_wait_s"]) for r in hourly] == [
        ("bootle", 10, 300.0, 780.0),  # 300 + 0.8 x 600
        ("bootle", 14, 30.0, 30.0),
        ("southport", 10, 450.0, 1020.0),  # 300 + 0.5 x 300; 600 + 0.7 x 600
        ("southport", 14, 30.0, 30.0),
        ("all", 10, 300.0, 1020.0),  # 60 120 300 300 600 900 1200: 900 + 0.4 x 300
        ("all", 14, 30.0, 30.0),
    ]


def test_a_period_without_visits_has_zero_counts_and_no_times(manager: FlaskClient) -> None:
    body = manager.get(f"{API}/summary?site=bootle&period=2026Q2").json
    assert body["visits"] == 0 and body["no_shows"] == 0
    assert body["median_wait_s"] is None and body["pct_greeted_within_2_min"] is None
    assert manager.get(f"{API}/hourly?site=bootle&period=2026Q2").json["rows"] == []


def test_hourly_buckets_are_local_hours_either_side_of_the_autumn_clock_change(
    manager: FlaskClient,
) -> None:
    rows = manager.get(f"{API}/hourly?site=bootle&period=2026-10").json["rows"]
    visits = {row["hour"]: row["visits"] for row in rows}
    # 11:00 and 11:05 BST on the 20th and 22nd, and 11:30 GMT on the 25th, are all hour 11.
    assert visits == {9: 1, 11: 3, 12: 2, 13: 2}
    eleven = next(r for r in rows if r["hour"] == 11)
    assert (eleven["avg_wait_s"], eleven["median_wait_s"]) == (500.0, 600.0)


def test_the_clock_change_day_itself_is_one_local_day(manager: FlaskClient) -> None:
    body = manager.get(f"{API}/summary?site=bootle&from=2026-10-25&to=2026-10-25").json
    assert (body["visits"], body["avg_wait_s"]) == (1, 300.0)


def test_services_and_weeks_split_the_same_visits(manager: FlaskClient) -> None:
    services = manager.get(f"{API}/services?site=bootle&period=2026-10").json["rows"]
    assert {r["service"]: r["visits"] for r in services} == {"BEN": 2, "CT": 2, "GEN": 2, "HOU": 2}
    hou = next(r for r in services if r["service"] == "HOU")
    assert (hou["service_name"], hou["avg_appointment_lateness_s"]) == (
        "Housing & Homelessness",
        390.0,
    )
    weeks = manager.get(f"{API}/weekly?site=bootle&period=2026-10").json["rows"]
    # Monday 19 October holds the 20th-22nd and Sunday the 25th.
    assert [(r["week"], r["visits"]) for r in weeks] == [("2026-10-19", 8)]


def test_waits_histogram_counts_a_wait_of_exactly_15_minutes_within_the_target_bin(
    manager: FlaskClient,
) -> None:
    rows = manager.get(f"{API}/waits?site=bootle&period=2026-10").json["rows"]
    bins = {(r["from_min"], r["to_min"]): r["visits"] for r in rows}
    assert bins == {(0, 5): 2, (5, 10): 2, (10, 15): 1, (20, 30): 1}


def test_standards_report_states_the_aims_and_what_was_achieved(admin: FlaskClient) -> None:
    notice = {"message": "Two advisers are off sick", "estimated_wait_min": 40}
    assert admin.post("/api/v1/sites/bootle/notices", json=notice).status_code == 201
    body = admin.get(f"{API}/standards?period=2026Q4").json
    rows = {(r["aim"], r["site"]): r for r in body["rows"]}
    assert rows[("greeted", "bootle")]["pct_met"] == 85.7
    assert rows[("started", "all")]["avg_s"] == 730.0
    assert rows[("appointments", "all")]["target_s"] == 300
    assert rows[("delay_notices", "bootle")]["reached"] == 1
    assert rows[("delay_notices", "southport")]["reached"] == 0
    assert rows[("delay_notices", "all")]["reached"] == 1
    greeted = next(a for a in body["aims"] if a["aim"] == "greeted")
    assert "within 2 minutes of your arrival" in greeted["our_aim"]
    assert "85.7% of customers were greeted within 2 minutes" in greeted["achieved"]
    assert "across our 2 One Stop Shop sites, was 12 minutes" in greeted["achieved"]
    notices = next(a for a in body["aims"] if a["aim"] == "delay_notices")
    assert "1 delay notice with an estimated waiting period" in notices["achieved"]


def test_csv_holds_the_same_numbers_as_the_json_for_every_report(admin: FlaskClient) -> None:
    for name in ("summary", "hourly", "services", "weekly", "waits", "standards"):
        body = admin.get(f"{API}/{name}?period=2026Q4").json
        response = admin.get(f"{API}/{name}?period=2026Q4&format=csv")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        reader = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
        assert reader.fieldnames == body["columns"], name
        assert list(reader) == [_as_csv(row) for row in body["rows"]], name
        assert body["rows"], f"an empty {name} report would prove nothing"


def _as_csv(row: dict[str, Any]) -> dict[str, str]:
    return {k: "" if v is None else str(v) for k, v in row.items()}


def test_a_ticket_on_the_spring_clock_change_day_counts_in_its_local_hour_with_its_estimate(
    app: Flask, clock: ManualClock
) -> None:
    # 10:30 UTC on 29 March 2026 is 11:30 BST: an hour taken from UTC would say 10.
    clock.set(datetime(2026, 3, 29, 10, 30, tzinfo=UTC))
    manager = signed_in(app, "bootle-manager")
    ticket = manager.post("/api/v1/sites/bootle/tickets", json={"service": "GEN"}).json
    desk = desk_id(manager, "Desk 1")
    assert manager.post(f"/api/v1/desks/{desk}/open").status_code == 200
    clock.advance(minutes=7)
    assert manager.post(f"/api/v1/desks/{desk}/call-next").json["id"] == ticket["id"]
    assert manager.post(f"/api/v1/visits/{ticket['id']}/start").status_code == 200
    rows = manager.get(f"{API}/hourly?site=bootle&period=2026-03-29").json["rows"]
    assert [(r["hour"], r["visits"], r["in_progress"], r["avg_wait_s"]) for r in rows] == [
        (11, 1, 1, 420.0)
    ]
    assert rows[0]["estimate_bias_s"] == ticket["estimated_wait_s"] - 420
    assert rows[0]["estimates"] == 1


def test_reports_need_a_manager(app: Flask, client: FlaskClient) -> None:
    assert client.get(f"{API}/summary?period=2026Q4").status_code == 401
    adviser = signed_in(app, "bootle-adviser")
    assert adviser.get(f"{API}/summary?site=bootle&period=2026Q4").status_code == 403
    assert adviser.get(f"{API}/summary?period=2026Q4").status_code == 403
    manager = signed_in(app, "bootle-manager")
    assert manager.get(f"{API}/summary?site=southport&period=2026Q4").status_code == 403
    assert manager.get(f"{API}/summary?period=2026Q4").json["sites"] == ["bootle"]


BAD_PARAMETERS = [
    ("period=2025Q5", "period"),
    ("period=last-week", "period"),
    ("from=2025-07-01", "to"),
    ("to=2025-07-01", "from"),
    ("from=2025-07-01&to=yesterday", "to"),
    ("from=2025-07-31&to=2025-07-01", "to"),
    ("from=2025-07-01&to=2025-07-31&period=2025Q3", "period"),
    ("period=2025Q3&format=pdf", "format"),
    ("period=2025Q3&colour=red", "colour"),
]


def test_bad_parameters_are_refused_naming_the_field(app: Flask) -> None:
    manager = signed_in(app, "bootle-manager")
    for query, field in BAD_PARAMETERS:
        response = manager.get(f"{API}/summary?site=bootle&{query}")
        assert response.status_code == 422, query
        assert field in response.json["error"]["fields"], query


def test_visits_left_waiting_when_the_day_ended_are_reported_as_unserved_at_close(
    app: Flask, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 24, 16, 50, tzinfo=UTC))
    manager = signed_in(app, "bootle-manager")
    for service in ("CT", "BEN"):
        ticket = manager.post("/api/v1/sites/bootle/tickets", json={"service": service})
        assert ticket.status_code == 201
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    # The next day's first write closes what the ended day left.
    ticket = manager.post("/api/v1/sites/bootle/tickets", json={"service": "CT"})
    assert ticket.status_code == 201
    tuesday = manager.get(f"{API}/summary?site=bootle&period=2026-11-24").json
    assert (tuesday["visits"], tuesday["unserved_at_close"], tuesday["in_progress"]) == (2, 2, 0)
    assert tuesday["started"] == 0 and tuesday["pct_started_within_15_min"] is None
    wednesday = manager.get(f"{API}/summary?site=bootle&period=2026-11-25").json
    assert (wednesday["visits"], wednesday["unserved_at_close"], wednesday["in_progress"]) == (
        1,
        0,
        1,
    )
