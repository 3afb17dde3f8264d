"""The housekeeping: erasing personal fields once they are older than the retention period
(rules/retention.py says which), and removing idempotency records after a day.
`queue-service purge` runs it, and every serving process once a day (realtime/day_end.py).

Each site is purged under its lock, in batches of visits, each batch its own short
transaction: the first purge of a long history must not hold SQLite's write lock (and with
it, under gevent, the whole serving process) for long. A dry run takes the same steps and
rolls each one back, so what it reports is exactly what a purge would erase.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import Appointment, Site, Visit, VisitEvent
from ..rules import retention
from ..rules.calendar import local_date, start_of_day
from . import idempotency
from .uow import UnitOfWork

BATCH = 500


@dataclass
class SitePurge:
    """What one site's purge erased: the visits (with their log entries) of the local days
    before `first_day_kept`, and the appointments booked for those days."""

    site: str
    first_day_kept: date
    visits: int = 0
    appointments: int = 0
    log_entries: int = 0


@dataclass
class Purge:
    """What a purge erased (or, in a dry run, would erase)."""

    sites: list[SitePurge] = field(default_factory=list)
    idempotency_records: int = 0


def purge(uow: UnitOfWork, retention_days: int, *, dry_run: bool = False) -> Purge:
    """Erase the personal fields of every site's visits and appointments from before the
    retention period, and remove idempotency records older than a day. Safe to run in
    several processes at once: each batch is taken under the site lock and skips what an
    earlier purge erased."""
    with uow.reading() as session:
        site_ids = session.scalars(select(Site.id).order_by(Site.id)).all()
    result = Purge(sites=[_purge_site(uow, s, retention_days, dry_run) for s in site_ids])
    with uow.writing() as session:
        result.idempotency_records = idempotency.forget_old(session, uow.now())
        _finish(uow, dry_run)
    return result


def _purge_site(uow: UnitOfWork, site_id: int, retention_days: int, dry_run: bool) -> SitePurge:
    with uow.writing() as session:
        site = uow.lock_site(site_id)
        today = local_date(uow.now(), site.timezone)
        done = SitePurge(site.slug, retention.first_day_kept(today, retention_days))
        done.appointments = _erase_appointments(session, site, done.first_day_kept, uow.now())
        _finish(uow, dry_run)
    after_id = 0
    while True:
        with uow.writing() as session:
            site = uow.lock_site(site_id)
            ids = _visits_to_erase(session, site, done.first_day_kept, after_id)
            done.log_entries += _erase_visits(session, ids, uow.now())
            _finish(uow, dry_run)
        done.visits += len(ids)
        if len(ids) < BATCH:
            return done
        # A dry run's batches were rolled back: go on after them, not over them again.
        after_id = ids[-1]


def _finish(uow: UnitOfWork, dry_run: bool) -> None:
    if not dry_run:
        uow.commit()


def _erase_appointments(session: Session, site: Site, first_day_kept: date, now: datetime) -> int:
    result = session.execute(
        update(Appointment)
        .where(
            Appointment.site_id == site.id,
            Appointment.scheduled_at < start_of_day(first_day_kept, site.timezone),
            Appointment.purged_at.is_(None),
        )
        .values(customer_name=None, reference=None, purged_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _visits_to_erase(
    session: Session, site: Site, first_day_kept: date, after_id: int
) -> list[int]:
    return list(
        session.scalars(
            select(Visit.id)
            .where(
                Visit.site_id == site.id,
                Visit.local_date < first_day_kept,
                Visit.purged_at.is_(None),
                Visit.id > after_id,
            )
            .order_by(Visit.id)
            .limit(BATCH)
        )
    )


def _erase_visits(session: Session, ids: list[int], now: datetime) -> int:
    """Erase the visits' personal fields and their log entries' free text; returns how many
    log entries changed."""
    if not ids:
        return 0
    # A fresh random token, held by nobody: the paper ticket's QR code no longer finds the
    # visit, and nothing in the row links it to whoever held the ticket.
    session.execute(
        update(Visit),
        [
            {
                "id": visit_id,
                "token": secrets.token_urlsafe(32),
                "customer_name": None,
                "notes": None,
                "needs": [],
                "language": None,
                "purged_at": now,
            }
            for visit_id in ids
        ],
    )
    events = session.scalars(
        select(VisitEvent).where(
            VisitEvent.visit_id.in_(ids), VisitEvent.type.in_(list(retention.PERSONAL_DATA))
        )
    )
    changed = 0
    for event in events:
        erased = retention.erased_data(event.type, event.data)
        if erased is not None:
            event.data = erased
            changed += 1
    return changed
