"""The retention purge (docs/PRIVACY.md): personal fields go after the retention period, the
anonymous timings stay, and the reports over the purged days give the same figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from queue_service.clock import ManualClock
from queue_service.models import Appointment, IdempotencyRecord, Visit, VisitEvent
from queue_service.realtime import day_end
from queue_service.rules import periods
from queue_service.rules.permissions import SYSTEM
from queue_service.services import reports, retention
from queue_service.services.uow import UnitOfWork
from tests.conftest import desk_id

API = "/api/v1"
# Tuesday 24 November 2026 (GMT: local time is UTC); 91 days later is Tuesday 23 February.
PURGED_DAY = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
KEPT_DAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
NINETY_ONE_DAYS_LATER = datetime(2027, 2, 23, 3, 0, tzinfo=UTC)
RETENTION_DAYS = 90


def a_busy_day(
    reception: FlaskClient, adviser: FlaskClient, kiosk_token: str, clock: ManualClock
) -> dict[str, Any]:
    """A day at Bootle with every personal field filled in: a named walk-in with a triage
    note, needs and a language, a named appointment, a transfer note and a call's reason."""
    start = clock.now()
    named = reception.post(
        f"{API}/sites/bootle/tickets", json={"service": "CT", "customer_name": "Alice Example"}
    ).json
    kiosk = reception.post(
        f"{API}/sites/bootle/tickets",
        json={"service": "CT", "priority": True, "needs": ["wheelchair"], "language": "pl"},
        headers={"Authorization": f"Bearer {kiosk_token}", "Idempotency-Key": f"tap at {start}"},
    ).json
    booked = reception.post(
        f"{API}/sites/bootle/appointments",
        json={
            "service": "BEN",
            "scheduled_at": (start + timedelta(minutes=30)).isoformat(),
            "customer_name": "Bob Booking",
        },
    ).json
    clock.advance(minutes=1)
    reception.post(f"{API}/visits/{named['id']}/greet")
    reception.post(
        f"{API}/visits/{named['id']}/triage",
        json={"note": "lives at 1 Acacia Avenue", "needs": ["hearing loop"]},
    )
    desk = desk_id(adviser, "Desk 1")
    adviser.post(f"{API}/desks/{desk}/open")
    clock.advance(minutes=4)
    called = adviser.post(
        f"{API}/visits/{named['id']}/call", json={"desk": desk, "reason": "Alice is unwell"}
    )
    assert called.status_code == 200, called.json
    adviser.post(f"{API}/visits/{named['id']}/start")
    clock.advance(minutes=6)
    moved = adviser.post(
        f"{API}/visits/{named['id']}/transfer",
        json={"service": "BEN", "note": "Alice's rent arrears"},
    )
    assert moved.status_code == 200, moved.json
    clock.advance(minutes=20)
    arrived = reception.post(
        f"{API}/sites/bootle/check-in", json={"reference": booked["reference"]}
    ).json
    for visit in (named, kiosk, arrived):
        adviser.post(f"{API}/visits/{visit['id']}/call", json={"desk": desk})
        clock.advance(minutes=2)
        adviser.post(f"{API}/visits/{visit['id']}/start")
        clock.advance(minutes=7)
        assert adviser.post(f"{API}/visits/{visit['id']}/complete").status_code == 200
    return {"named": named, "kiosk": kiosk, "arrived": arrived, "booked": booked}


def all_reports(uow: UnitOfWork, first: date, last: date) -> dict[str, Any]:
    span = periods.resolve(None, first.isoformat(), last.isoformat())
    return {name: reports.report(uow, SYSTEM, name, None, span) for name in reports.NAMES}


def visit_row(uow: UnitOfWork, visit_id: int) -> Visit:
    with uow.reading() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        session.expunge(visit)
        return visit


def event_data(uow: UnitOfWork, visit_id: int) -> list[tuple[str, dict[str, Any]]]:
    with uow.reading() as session:
        rows = session.execute(
            select(VisitEvent.type, VisitEvent.data)
            .where(VisitEvent.visit_id == visit_id)
            .order_by(VisitEvent.id)
        )
        return [(t, d) for t, d in rows]


def test_personal_fields_go_after_the_retention_period_and_the_timings_stay(
    app: Flask,
    uow: UnitOfWork,
    client: FlaskClient,
    reception: FlaskClient,
    adviser: FlaskClient,
    kiosk_token: str,
    clock: ManualClock,
) -> None:
    clock.set(PURGED_DAY)
    day = a_busy_day(reception, adviser, kiosk_token, clock)
    before = visit_row(uow, day["named"]["id"])
    assert (before.customer_name, before.notes) == (
        "Alice Example",
        "lives at 1 Acacia Avenue\nAlice's rent arrears",
    )

    clock.set(NINETY_ONE_DAYS_LATER)
    done = retention.purge(uow, RETENTION_DAYS)

    bootle = next(s for s in done.sites if s.site == "bootle")
    assert (bootle.first_day_kept, bootle.visits, bootle.appointments) == (
        date(2026, 11, 25),
        3,
        1,
    )
    assert bootle.log_entries == 3  # the triage, the call with a reason, the transfer
    after = visit_row(uow, day["named"]["id"])
    assert (after.customer_name, after.notes, after.needs, after.language) == (None, None, [], None)
    assert after.token != before.token
    assert after.purged_at == NINETY_ONE_DAYS_LATER
    kept = ("kind", "status", "service_id", "desk_id", "priority", "local_date", "local_hour")
    times = ("arrived_at", "greeted_at", "called_at", "service_started_at", "completed_at")
    estimates = ("estimate_at_issue_s", "estimate_at_issue_low_s", "estimate_at_issue_high_s")
    for column in (*kept, *times, *estimates):
        assert getattr(after, column) == getattr(before, column), column
    kiosk = visit_row(uow, day["kiosk"]["id"])
    assert (kiosk.needs, kiosk.language, kiosk.priority) == ([], None, True)
    assert event_data(uow, day["named"]["id"]) == [
        ("arrive", {}),
        ("greet", {}),
        ("triage", {"erased": ["note", "needs"]}),
        ("call", {"desk": "Desk 1", "erased": ["reason"]}),
        ("start", {}),
        ("transfer", {"from": "CT", "to": "BEN", "erased": ["note"]}),
        ("call", {"desk": "Desk 1"}),
        ("start", {}),
        ("complete", {}),
    ]
    with uow.reading() as session:
        booking = session.scalars(select(Appointment)).one()
        assert (booking.customer_name, booking.reference, booking.status) == (
            None,
            None,
            "checked_in",
        )
    # The ticket's QR code no longer leads to the visit.
    assert client.get(f"{API}/tickets/{day['named']['token']}").status_code == 404


def test_a_report_over_the_purged_days_gives_the_same_figures(
    uow: UnitOfWork,
    reception: FlaskClient,
    adviser: FlaskClient,
    kiosk_token: str,
    clock: ManualClock,
) -> None:
    clock.set(PURGED_DAY)
    a_busy_day(reception, adviser, kiosk_token, clock)
    clock.set(KEPT_DAY)
    a_busy_day(reception, adviser, kiosk_token, clock)
    clock.set(NINETY_ONE_DAYS_LATER)
    first, last = PURGED_DAY.date(), KEPT_DAY.date()
    figures = all_reports(uow, first, last)
    assert figures["summary"]["visits"] == 6

    assert retention.purge(uow, RETENTION_DAYS).sites[0].visits == 3
    assert all_reports(uow, first, last) == figures


def test_visits_within_the_retention_period_keep_their_names(
    uow: UnitOfWork,
    reception: FlaskClient,
    adviser: FlaskClient,
    kiosk_token: str,
    clock: ManualClock,
) -> None:
    clock.set(KEPT_DAY)
    day = a_busy_day(reception, adviser, kiosk_token, clock)
    clock.set(NINETY_ONE_DAYS_LATER)

    done = retention.purge(uow, RETENTION_DAYS)

    assert [(s.site, s.visits, s.appointments, s.log_entries) for s in done.sites] == [
        ("bootle", 0, 0, 0),
        ("southport", 0, 0, 0),
    ]
    assert visit_row(uow, day["named"]["id"]).customer_name == "Alice Example"
    assert ("transfer", {"from": "CT", "to": "BEN", "note": "Alice's rent arrears"}) in (
        event_data(uow, day["named"]["id"])
    )


def test_a_dry_run_says_what_a_purge_erases_and_changes_nothing(
    uow: UnitOfWork,
    reception: FlaskClient,
    adviser: FlaskClient,
    kiosk_token: str,
    clock: ManualClock,
) -> None:
    clock.set(PURGED_DAY)
    day = a_busy_day(reception, adviser, kiosk_token, clock)
    clock.set(NINETY_ONE_DAYS_LATER)

    would = retention.purge(uow, RETENTION_DAYS, dry_run=True)
    assert visit_row(uow, day["named"]["id"]).customer_name == "Alice Example"
    did = retention.purge(uow, RETENTION_DAYS)
    again = retention.purge(uow, RETENTION_DAYS)

    assert would == did
    assert (did.sites[0].visits, did.idempotency_records) == (3, 1)
    assert [(s.visits, s.appointments, s.log_entries) for s in again.sites] == [(0, 0, 0)] * 2
    assert again.idempotency_records == 0


def test_a_long_history_is_purged_in_batches(
    uow: UnitOfWork, reception: FlaskClient, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "BATCH", 2)
    clock.set(PURGED_DAY)
    count = 5
    for _ in range(count):
        reception.post(
            f"{API}/sites/bootle/tickets", json={"service": "GEN", "customer_name": "Someone"}
        )
    clock.set(NINETY_ONE_DAYS_LATER)

    assert retention.purge(uow, RETENTION_DAYS, dry_run=True).sites[0].visits == count
    assert retention.purge(uow, RETENTION_DAYS).sites[0].visits == count
    with uow.reading() as session:
        named = select(Visit.id).where(Visit.customer_name.is_not(None))
        assert session.scalars(named).all() == []


def test_idempotency_records_are_removed_after_a_day(
    uow: UnitOfWork, client: FlaskClient, kiosk_token: str, clock: ManualClock
) -> None:
    def tap(key: str) -> dict[str, Any]:
        response = client.post(
            f"{API}/sites/bootle/tickets",
            json={"service": "CT"},
            headers={"Authorization": f"Bearer {kiosk_token}", "Idempotency-Key": key},
        )
        assert response.status_code == 201
        return response.json

    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # a Monday
    old = tap("yesterday")
    clock.advance(hours=23, minutes=30)  # 09:30 the next morning: the kiosk may issue
    recent = tap("half an hour ago")
    clock.advance(minutes=31)

    assert retention.purge(uow, RETENTION_DAYS).idempotency_records == 1
    with uow.reading() as session:
        assert session.scalars(select(IdempotencyRecord.key)).all() == ["half an hour ago"]
    # A retry within the day still gets its first answer; the old key is a new request.
    assert tap("half an hour ago")["id"] == recent["id"]
    assert tap("yesterday")["id"] != old["id"]


def test_the_serving_process_purges_at_start_up_and_then_once_a_day(
    uow: UnitOfWork, reception: FlaskClient, clock: ManualClock
) -> None:
    def named_ticket() -> int:
        body = reception.post(
            f"{API}/sites/bootle/tickets", json={"service": "GEN", "customer_name": "Someone"}
        ).json
        return int(body["id"])

    clock.set(PURGED_DAY)
    first = named_ticket()
    clock.advance(days=1)
    second = named_ticket()
    housekeeping = day_end.Housekeeping(uow, RETENTION_DAYS)
    clock.set(NINETY_ONE_DAYS_LATER)

    housekeeping.run_if_due()
    assert visit_row(uow, first).customer_name is None
    clock.advance(days=1, seconds=-1)
    housekeeping.run_if_due()
    assert visit_row(uow, second).customer_name == "Someone"
    clock.advance(seconds=1)
    housekeeping.run_if_due()
    assert visit_row(uow, second).customer_name is None
