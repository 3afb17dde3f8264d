"""The rota from the sites file: planned desk hours that the estimates look ahead to."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from queue_service.errors import Invalid
from queue_service.services import site_config
from queue_service.services.uow import UnitOfWork
from tests.conftest import with_rota


def test_a_desk_planned_to_open_later_sets_the_wait_of_a_queue_with_no_desk_open(
    uow: UnitOfWork, adviser: FlaskClient
) -> None:
    # The clock reads Tuesday 10:30 (GMT); only Desk 1 serves Council Tax and it opens at 11:00.
    rota = [{"desk": "Desk 1", "days": ["tue"], "hours": "11:00-17:00"}]
    assert site_config.load_sites(uow, with_rota(rota))[0].endswith("1 rota shifts")
    ticket = adviser.post("/api/v1/sites/bootle/tickets", json={"service": "BEN"})
    assert ticket.status_code == 201
    board = adviser.get("/api/v1/sites/bootle/board").json
    waits = {s["code"]: s["estimated_wait_s"] for s in board["services"]}
    assert waits["CT"] >= 30 * 60
    # Loading the file again replaces the rota rather than adding to it.
    assert site_config.load_sites(uow, with_rota(rota))[0].endswith("1 rota shifts")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"desk": "Desk 9", "hours": "09:00-12:00"}, "unknown desk"),
        ({"desk": "Desk 1", "hours": "closed"}, "HH:MM-HH:MM"),
        ({"desk": "Desk 1", "hours": "09:00-12:00", "days": ["someday"]}, "rota days"),
    ],
)
def test_a_bad_rota_entry_is_refused(uow: UnitOfWork, entry: dict[str, Any], message: str) -> None:
    with pytest.raises(Invalid, match=message):
        site_config.load_sites(uow, with_rota([entry]))
