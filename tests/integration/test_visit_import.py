"""Importing past visits: all rows or none, errors named by line, numbers that never collide
with live tickets."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from queue_service.errors import Invalid
from queue_service.models import TicketCounter, Visit
from queue_service.services import visit_import
from queue_service.services.uow import UnitOfWork
from tests.support.past_visits import HEADER, import_rows

GOOD = (
    "bootle,CT,walk_in,2026-11-24T09:00:00+00:00,,,"
    "2026-11-24T09:05:00+00:00,2026-11-24T09:12:00+00:00,,done"
)
LEFT = "bootle,CT,walk_in,2026-11-24T09:10:00+00:00,,,,,,left"


def _counts(app: Flask) -> tuple[int, int]:
    with UnitOfWork.for_app(app).reading() as session:
        visits = session.scalar(select(func.count()).select_from(Visit))
        counters = session.scalar(select(func.count()).select_from(TicketCounter))
        return visits or 0, counters or 0


BAD_ROWS = [
    ("nowhere,CT,walk_in,2026-11-24T09:00:00+00:00,,,,,,left", "site: unknown site 'nowhere'"),
    ("bootle,XX,walk_in,2026-11-24T09:00:00+00:00,,,,,,left", "service: 'XX' is not a service"),
    ("bootle,CT,drive_in,2026-11-24T09:00:00+00:00,,,,,,left", "kind: must be walk_in or"),
    ("bootle,CT,walk_in,2026-11-24 09:00,,,,,,left", "arrived_at: '2026-11-24 09:00' has no UTC"),
    ("bootle,CT,walk_in,yesterday,,,,,,left", "arrived_at: 'yesterday' is not an ISO 8601"),
    ("bootle,CT,walk_in,,,,,,,left", "arrived_at: required"),
    ("bootle,CT,walk_in,2026-11-25T09:00:00+00:00,,,,,,left", "arrived_at: is in the future"),
    ("bootle,CT,walk_in,2026-11-24T09:00:00+00:00,,,,,,served", "outcome: must be one of"),
    ("bootle,CT,walk_in,2026-11-24T09:00:00+00:00,,,,,,done", "outcome: done needs"),
    (
        "bootle,CT,walk_in,2026-11-24T09:00:00+00:00,2026-11-24T08:59:00+00:00,,,,,left",
        "greeted_at: comes before arrived_at",
    ),
    ("bootle,CT,appointment,2026-11-24T09:00:00+00:00,,,,,,left", "scheduled_at: required"),
    ("bootle,CT,walk_in,2026-11-24T09:00:00+00:00,,,,left", "expected 10 fields"),
]


def test_a_bad_row_is_named_by_its_line_and_nothing_of_the_file_is_written(app: Flask) -> None:
    for row, message in BAD_ROWS:
        with pytest.raises(Invalid) as refused:
            import_rows(app, GOOD, LEFT, row, GOOD)
        assert str(refused.value).startswith(f"line 4: {message}"), row
    assert _counts(app) == (0, 0)


def test_a_file_without_the_columns_is_refused_at_line_1(app: Flask) -> None:
    with pytest.raises(Invalid, match="line 1: the header lacks outcome"):
        visit_import.import_visits(
            UnitOfWork.for_app(app), io.StringIO(HEADER.removesuffix(",outcome") + "\n")
        )


def test_imported_visits_take_numbers_from_the_live_counter(
    app: Flask, adviser: FlaskClient
) -> None:
    # Two imported Council Tax visits of today are C001 and C002; the next ticket is C003.
    assert import_rows(app, GOOD, LEFT) == 2
    ticket = adviser.post("/api/v1/sites/bootle/tickets", json={"service": "CT"})
    assert ticket.status_code == 201
    assert ticket.json["number"] == "C003"
    with UnitOfWork.for_app(app).reading() as session:
        numbers = session.scalars(select(Visit.number_seq).order_by(Visit.arrived_at)).all()
    assert numbers == [1, 2, 3]
