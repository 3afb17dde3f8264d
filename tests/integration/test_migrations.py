"""Migrations over a database that already holds visits, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select, text

from queue_service import db
from queue_service.models import Appointment, Base, Service, Site, Visit, VisitEvent
from tests.support.liveserver import reset_database

# The newest revision before the visit kept its measures.
BEFORE_MEASURES = "71aa4f4c9d1f"
# The newest revision before the retention purge rebuilt the appointment table on SQLite.
BEFORE_RETENTION = "24792124d227"
ARRIVED = datetime(2026, 10, 5, 9, 0, 0, 250000, tzinfo=UTC)
SITE = {"id": 1, "slug": "bootle", "name": "Bootle", "timezone": "Europe/London",
        "opening_hours": {}, "call_window_s": 120, "grace_s": 600, "greet_target_s": 120,
        "wait_target_s": 900, "appointment_target_s": 300}  # fmt: skip
VISIT = {"site_id": 1, "service_id": 1, "local_date": date(2026, 10, 5), "local_hour": 10,
         "number_prefix": "C", "status": "done", "arrived_at": ARRIVED, "appointment_id": None,
         **dict.fromkeys(("scheduled_at", "greeted_at", "service_started_at",
                          "completed_at"))}  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_at(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[str], Engine]]:
    """Makes an empty database at a revision, with one site and service: a new SQLite file,
    or this run's PostgreSQL database, brought back to the newest schema afterwards."""
    url = (
        f"sqlite:///{tmp_path / 'old.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_ready")
    )
    engine = db.make_engine(url)

    def at(revision: str) -> Engine:
        with engine.begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.upgrade(engine, revision)
        with engine.begin() as connection:
            connection.execute(insert(Site).values(SITE))
            connection.execute(
                insert(Service).values(id=1, site_id=1, code="CT", name="Tax", prefix="C")
            )
        return engine

    yield at
    engine.dispose()
    if request.param == "postgres":
        reset_database(url)


def test_upgrade_keeps_every_visits_events_and_fills_in_its_measures(
    database_at: Callable[[str], Engine],
) -> None:
    old_database = database_at(BEFORE_MEASURES)
    at = ARRIVED
    visit = VISIT
    with old_database.begin() as connection:
        connection.execute(
            insert(Visit),
            [
                # A walk-in: greeted after 90.5 s, started after 600.25 s, served 300 s.
                {**visit, "id": 1, "token": "a", "number_seq": 1, "kind": "walk_in",
                 "greeted_at": at + timedelta(seconds=90.5),
                 "service_started_at": at + timedelta(seconds=600.25),
                 "completed_at": at + timedelta(seconds=900.25)},
                # An appointment that came 10 minutes early: its wait starts at its time.
                {**visit, "id": 2, "token": "b", "number_seq": 2, "kind": "appointment",
                 "scheduled_at": at + timedelta(minutes=10),
                 "service_started_at": at + timedelta(minutes=12)},
                # A walk-away: never greeted or started.
                {**visit, "id": 3, "token": "c", "number_seq": 3, "kind": "walk_in",
                 "status": "left"},
            ],
        )  # fmt: skip
        connection.execute(
            insert(VisitEvent),
            [
                {"visit_id": v, "type": "arrive", "at": at, "actor": "kiosk", "data": {}}
                for v in (1, 2, 3)
            ],
        )

    db.upgrade(old_database)

    with old_database.connect() as connection:
        events = connection.scalar(select(func.count()).select_from(VisitEvent))
        measures = connection.execute(
            select(Visit.id, Visit.time_to_greet_s, Visit.wait_s, Visit.service_time_s).order_by(
                Visit.id
            )
        ).all()
    assert events == 3
    assert [tuple(m) for m in measures] == [
        (1, 90.5, 600.25, 300.0),
        (2, None, 120.0, None),
        (3, None, None, None),
    ]


def test_upgrade_rebuilds_the_booking_table_under_a_checked_in_visit(
    database_at: Callable[[str], Engine],
) -> None:
    # SQLite rebuilds a table to change it; with foreign keys on, dropping the old booking
    # table under the visit that refers to it was refused.
    old_database = database_at(BEFORE_RETENTION)
    with old_database.begin() as connection:
        connection.execute(
            insert(Appointment).values(id=1, site_id=1, service_id=1, reference="BOOT-1",
                                       scheduled_at=ARRIVED, status="checked_in",
                                       created_at=ARRIVED)
        )  # fmt: skip
        connection.execute(
            insert(Visit).values({**VISIT, "id": 1, "token": "a", "number_seq": 1,
                                  "kind": "appointment", "appointment_id": 1})
        )  # fmt: skip
        connection.execute(
            insert(VisitEvent).values(visit_id=1, type="check_in", at=ARRIVED, actor="kiosk")
        )

    db.upgrade(old_database)

    with old_database.connect() as connection:
        visit = connection.execute(select(Visit.appointment_id, Appointment.reference).join(
            Appointment, Appointment.id == Visit.appointment_id)).one()  # fmt: skip
        events = connection.scalar(select(func.count()).select_from(VisitEvent))
    assert tuple(visit) == (1, "BOOT-1")
    assert events == 1
