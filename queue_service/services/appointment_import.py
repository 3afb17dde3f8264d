"""Loading a day's bookings from the council's booking system (a CSV export), by the
`import-appointments` command or an upload in the reception view."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Invalid
from ..models import Appointment, Site
from ..rules.booking_csv import BookingCsvError, BookingRow, parse
from ..rules.calendar import zone
from ..rules.permissions import Actor, Permission
from . import queries
from .uow import UnitOfWork


def import_bookings(
    uow: UnitOfWork, actor: Actor, text: str, *, only_site: str | None = None
) -> dict[str, int]:
    """Add or update the file's bookings, all or none. A reference already imported is
    updated while it is still booked, and left alone when nothing changed, so importing the
    same file twice changes nothing. `only_site`: every row must be for that site (uploads)."""
    try:
        rows = parse(text)
    except BookingCsvError as exc:
        raise _line_error(exc) from None
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    with uow.writing() as session:
        sites = _sites(session, actor, rows, only_site)
        # In id order, so two imports never wait for each other's locks crosswise.
        for site_id in sorted(s.id for s in sites.values()):
            uow.lock_site(site_id)
        for row in rows:
            try:
                counts[_apply(session, sites[row.site], row, uow.now())] += 1
            except BookingCsvError as exc:
                raise _line_error(exc) from None
        for site in sites.values():
            uow.touch(site)
        uow.commit()
    return counts


def _sites(
    session: Session, actor: Actor, rows: list[BookingRow], only_site: str | None
) -> dict[str, Site]:
    sites: dict[str, Site] = {}
    for row in rows:
        if only_site is not None and row.site != only_site:
            wrong = f"the row is for {row.site}, not {only_site}"
            raise _line_error(BookingCsvError(row.line, wrong))
        if row.site not in sites:
            site = session.scalars(select(Site).where(Site.slug == row.site)).one_or_none()
            if site is None:
                raise _line_error(BookingCsvError(row.line, f"no site {row.site!r}"))
            queries.require(actor, Permission.BOOK_APPOINTMENT, site.id)
            sites[row.site] = site
    return sites


def _apply(session: Session, site: Site, row: BookingRow, now: datetime) -> str:
    """Add or update one booking; returns which of the counts it adds to."""
    service = next((s for s in site.services if s.code == row.service and s.active), None)
    if service is None:
        raise BookingCsvError(row.line, f"no service {row.service!r} at {site.slug}")
    scheduled_at = row.scheduled_at
    if scheduled_at.tzinfo is None:
        scheduled_at = scheduled_at.replace(tzinfo=zone(site.timezone))
    existing = session.scalars(
        select(Appointment).where(Appointment.reference == row.reference)
    ).one_or_none()
    if existing is None:
        session.add(
            Appointment(
                site=site,
                service=service,
                reference=row.reference,
                scheduled_at=scheduled_at,
                customer_name=row.customer_name,
                status="booked",
                created_at=now,
            )
        )
        session.flush()
        return "added"
    if existing.site_id != site.id:
        raise BookingCsvError(row.line, f"reference {row.reference} is booked at another site")
    same = (
        existing.service_id == service.id
        and existing.scheduled_at == scheduled_at
        and existing.customer_name == row.customer_name
    )
    if same:
        return "unchanged"
    if existing.status != "booked":
        raise BookingCsvError(row.line, f"appointment {row.reference} is already {existing.status}")
    existing.service, existing.scheduled_at = service, scheduled_at
    existing.customer_name = row.customer_name
    return "updated"


def _line_error(exc: BookingCsvError) -> Invalid:
    fields: dict[str, Any] = {"line": str(exc.line)}
    return Invalid(str(exc), code="bad_csv", fields=fields)
