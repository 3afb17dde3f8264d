"""Writing past visits in bulk (imported from another system, or generated for the demo and
the benchmark): numbered from the live counters, in chunks of Core inserts."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from ..models import Visit
from ..rules.calendar import zone
from .numbering import reserve

CHUNK = 5000


@dataclass(frozen=True)
class PastVisit:
    """A visit that has already ended, with the times it went through (None: never)."""

    site_id: int
    service_id: int
    prefix: str
    kind: str
    status: str
    arrived_at: datetime
    greeted_at: datetime | None = None
    called_at: datetime | None = None
    service_started_at: datetime | None = None
    completed_at: datetime | None = None
    ended_at: datetime | None = None
    scheduled_at: datetime | None = None
    estimate_s: tuple[int, int, int] | None = None  # shown at issue: (wait, low, high)


def write(session: Session, timezones: dict[int, str], visits: Iterable[PastVisit]) -> int:
    """Insert the visits inside the caller's transaction; returns how many were written."""
    written = 0
    for chunk in _chunks(visits, CHUNK):
        rows = [_row(v, timezones[v.site_id]) for v in chunk]
        _number(session, rows)
        # Core executemany: one statement for the chunk (the ORM's bulk path would split it
        # by which columns are empty).
        session.execute(insert(cast(Table, Visit.__table__)), rows)
        written += len(rows)
    return written


def _chunks(items: Iterable[PastVisit], size: int) -> Iterator[list[PastVisit]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _row(visit: PastVisit, tz: str) -> dict[str, Any]:
    local = visit.arrived_at.astimezone(zone(tz))
    estimate = visit.estimate_s or (None, None, None)
    return {
        "site_id": visit.site_id,
        "service_id": visit.service_id,
        "token": secrets.token_urlsafe(32),
        "kind": visit.kind,
        "status": visit.status,
        "local_date": local.date(),
        "local_hour": local.hour,
        "number_prefix": visit.prefix,
        "priority": False,
        "needs": [],
        "scheduled_at": visit.scheduled_at,
        "arrived_at": visit.arrived_at,
        "greeted_at": visit.greeted_at,
        "called_at": visit.called_at,
        "service_started_at": visit.service_started_at,
        "completed_at": visit.completed_at,
        "ended_at": visit.ended_at,
        "estimate_at_issue_s": estimate[0],
        "estimate_at_issue_low_s": estimate[1],
        "estimate_at_issue_high_s": estimate[2],
    }


def _number(session: Session, rows: list[dict[str, Any]]) -> None:
    """Give each row the next number of its site, prefix and day, in order of arrival."""
    rows.sort(key=lambda r: r["arrived_at"])
    wanted: Counter[tuple[int, str, date]] = Counter(
        (r["site_id"], r["number_prefix"], r["local_date"]) for r in rows
    )
    last = reserve(session, dict(wanted))
    following = {key: last[key] - count + 1 for key, count in wanted.items()}
    for row in rows:
        key = (row["site_id"], row["number_prefix"], row["local_date"])
        row["number_seq"] = following[key]
        following[key] += 1
