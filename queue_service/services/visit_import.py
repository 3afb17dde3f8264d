"""Loading past visits from a CSV file (e.g. the council's previous queue system), all or
nothing: the first bad row stops the import, named by its line, and nothing is written."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Invalid
from ..models import Service, Site
from ..rules.calendar import parse_instant
from ..rules.lifecycle import Status
from . import past_visits
from .past_visits import PastVisit
from .uow import UnitOfWork

COLUMNS = (
    "site",
    "service",
    "kind",
    "arrived_at",
    "greeted_at",
    "called_at",
    "service_started_at",
    "completed_at",
    "scheduled_at",
    "outcome",
)
KINDS = ("walk_in", "appointment")
OUTCOMES = (Status.DONE, Status.NO_SHOW, Status.LEFT, Status.CANCELLED)
# Times that must not come before the one named beside them.
ORDER = (
    ("greeted_at", "arrived_at"),
    ("called_at", "arrived_at"),
    ("service_started_at", "arrived_at"),
    ("service_started_at", "called_at"),
    ("completed_at", "service_started_at"),
)


class RowError(ValueError):
    """One field of one row is wrong."""


def import_visits(uow: UnitOfWork, lines: Iterable[str]) -> int:
    """Insert every row of the CSV as an ended visit, in one transaction; returns the count."""
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise Invalid(f"line 1: the header lacks {', '.join(missing)}")
    with uow.writing() as session:
        sites = {s.slug: s for s in session.scalars(select(Site))}
        services = _services(session)
        now = uow.now()
        visits = []
        for row in reader:
            try:
                visits.append(_visit(row, sites, services, now))
            except RowError as exc:
                raise Invalid(f"line {reader.line_num}: {exc}") from None
        timezones = {s.id: s.timezone for s in sites.values()}
        count = past_visits.write(session, timezones, visits)
        uow.commit()
    return count


def _services(session: Session) -> dict[tuple[int, str], Service]:
    # Retired services too: old visits were made for them.
    return {(s.site_id, s.code): s for s in session.scalars(select(Service))}


def _visit(
    row: dict[str, str | None],
    sites: dict[str, Site],
    services: dict[tuple[int, str], Service],
    now: datetime,
) -> PastVisit:
    if None in row or any(row.get(c) is None for c in COLUMNS):
        raise RowError(f"expected {len(COLUMNS)} fields")
    text = {c: (row[c] or "").strip() for c in COLUMNS}
    site = sites.get(text["site"])
    if site is None:
        raise RowError(f"site: unknown site {text['site']!r}")
    service = services.get((site.id, text["service"]))
    if service is None:
        raise RowError(f"service: {text['service']!r} is not a service at {site.slug}")
    if text["kind"] not in KINDS:
        raise RowError(f"kind: must be {' or '.join(KINDS)}, not {text['kind']!r}")
    if text["outcome"] not in OUTCOMES:
        raise RowError(f"outcome: must be one of {', '.join(OUTCOMES)}, not {text['outcome']!r}")
    times = {c: _instant(c, text[c]) for c in COLUMNS if c.endswith("_at")}
    _check_times(times, text["kind"], text["outcome"], now)
    ends = [t for c, t in times.items() if t is not None and c != "scheduled_at"]
    return PastVisit(
        site_id=site.id,
        service_id=service.id,
        prefix=service.prefix,
        kind=text["kind"],
        status=text["outcome"],
        arrived_at=times["arrived_at"],  # type: ignore[arg-type]  # checked: required
        greeted_at=times["greeted_at"],
        called_at=times["called_at"],
        service_started_at=times["service_started_at"],
        completed_at=times["completed_at"],
        ended_at=max(ends),
        scheduled_at=times["scheduled_at"],
    )


def _instant(column: str, value: str) -> datetime | None:
    if not value:
        return None
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise RowError(f"{column}: {exc}") from None


def _check_times(times: dict[str, datetime | None], kind: str, outcome: str, now: datetime) -> None:
    arrived = times["arrived_at"]
    if arrived is None:
        raise RowError("arrived_at: required")
    if arrived > now:
        raise RowError("arrived_at: is in the future")
    for later, earlier in ORDER:
        a, b = times[later], times[earlier]
        if a is not None and b is not None and a < b:
            raise RowError(f"{later}: comes before {earlier}")
    if (times["scheduled_at"] is None) == (kind == "appointment"):
        raise RowError("scheduled_at: required for appointments, and only for them")
    served = times["service_started_at"] is not None
    if outcome == Status.DONE and (not served or times["completed_at"] is None):
        raise RowError("outcome: done needs service_started_at and completed_at")
    if outcome != Status.DONE and (served or times["completed_at"] is not None):
        raise RowError(f"outcome: a visit that was {outcome} was never served")
