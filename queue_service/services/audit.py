"""The audit trail managers read: who greeted, called, transferred, triaged or closed which
visit, and when, a site's local day at a time, from the event log (DESIGN §4)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Desk, Device, StaffUser, Visit, VisitEvent
from ..rules.calendar import local_date, start_of_day
from ..rules.permissions import Actor, Permission
from . import queries, views
from .uow import UnitOfWork

PER_PAGE = 50
MAX_PER_PAGE = 500


def day_log(
    uow: UnitOfWork,
    actor: Actor,
    site_slug: str,
    day: date | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> dict[str, Any]:
    """One page of a site's event log on a local day (today by default), oldest first, each
    entry with who acted (and their name), the visit's number and the desk."""
    with uow.reading() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.VIEW_AUDIT, site.id)
        day = day or local_date(uow.now(), site.timezone)
        on_day = (
            Visit.site_id == site.id,
            VisitEvent.at >= start_of_day(day, site.timezone),
            VisitEvent.at < start_of_day(day + timedelta(days=1), site.timezone),
        )
        total = session.scalar(select(func.count(VisitEvent.id)).join(Visit).where(*on_day)) or 0
        rows = session.execute(
            select(VisitEvent, Visit, Desk.name)
            .join(Visit, VisitEvent.visit_id == Visit.id)
            .outerjoin(Desk, VisitEvent.desk_id == Desk.id)
            .where(*on_day)
            .order_by(VisitEvent.at, VisitEvent.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
        names = _actor_names(session, {event.actor for event, _, _ in rows})
        return {
            "site": site.slug,
            "date": day.isoformat(),
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": max(1, -(-total // per_page)),
            "entries": [
                {
                    "id": event.id,
                    "at": views.iso(event.at),
                    "type": event.type,
                    "actor": event.actor,
                    "actor_name": names.get(event.actor),
                    "visit_id": visit.id,
                    "number": visit.number,
                    "desk": desk,
                    "data": event.data,
                }
                for event, visit, desk in rows
            ],
        }


def _actor_names(session: Session, labels: Iterable[str]) -> dict[str, str]:
    """The people and devices behind the log's actor labels (`user:3`, `device:7`); the
    system and customers have no name beyond their label."""
    ids: dict[str, list[int]] = {"user": [], "device": []}
    for label in labels:
        kind, _, number = label.partition(":")
        if kind in ids and number.isdigit():
            ids[kind].append(int(number))
    users = session.execute(
        select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(ids["user"]))
    )
    devices = session.execute(select(Device.id, Device.name).where(Device.id.in_(ids["device"])))
    return {
        **{f"user:{user_id}": name for user_id, name in users},
        **{f"device:{device_id}": name for device_id, name in devices},
    }
