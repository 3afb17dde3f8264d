"""The rota as managers keep it: the week's planned desk hours of a site, read and replaced
whole.

The whole week is one document (GET, then PUT it back changed) rather than one request per
stretch of hours: the manager's page edits a week and saves it at once, overlaps are judged
across all the entries together, and one save raises the site's version once. A `revision`
(a digest of the rota) lets a save name the rota it was made from (`If-Match`), so a manager
never overwrites, unseen, what another saved in between (409 `rota_changed`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import Conflict, Invalid
from ..models import Desk, RotaShift, Site, StaffUser
from ..rules.calendar import DAYS
from ..rules.permissions import Actor, Permission
from ..rules.rota import WeeklyShift, clock, read_week
from . import queries, views
from .uow import UnitOfWork

Entry = tuple[str, str, str, str]  # desk name, weekday, from, to


def week(uow: UnitOfWork, actor: Actor, site_slug: str) -> dict[str, Any]:
    """The site's planned desk hours for each weekday, with its desks (staff of the site)."""
    with uow.reading() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.VIEW_QUEUE, site.id)
        return _view(session, site)


def replace(
    uow: UnitOfWork,
    actor: Actor,
    site_slug: str,
    entries: Sequence[Entry],
    if_match: str | None = None,
) -> dict[str, Any]:
    """Replace the site's rota with `entries` (managers); the estimates and screens take it
    at once, since the site's version rises. `if_match`, when given, must be the revision the
    edit started from."""
    with uow.writing() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.EDIT_ROTA, site.id)
        site = uow.lock_site(site.id)
        desks = {d.name: d.id for d in site.desks if d.active}
        shifts, problems = read_week(entries, desks)
        if problems:
            raise Invalid(
                "some planned hours are not valid",
                fields={f"shifts[{i}].{field}": text for (i, field), text in problems.items()},
            )
        if if_match is not None and if_match.strip('"') != _revision(_shifts(session, site)):
            raise Conflict(
                "someone else changed the rota since it was opened; reload it and try again",
                code="rota_changed",
            )
        store(session, site, shifts)
        user = session.get(StaffUser, actor.id) if actor.id is not None else None
        site.rota_edited_by = user.username if user is not None else actor.label
        site.rota_edited_at = uow.now()
        uow.touch(site)
        session.flush()
        body = _view(session, site)
        uow.commit()
    return body


def store(session: Session, site: Site, shifts: Sequence[WeeklyShift]) -> None:
    """Put `shifts` in place of every planned hour the site had."""
    session.execute(delete(RotaShift).where(RotaShift.site_id == site.id))
    session.add_all(
        RotaShift(
            site_id=site.id,
            desk_id=s.desk_id,
            weekday=s.weekday,
            start_min=s.start_min,
            end_min=s.end_min,
        )
        for s in shifts
    )


def _shifts(session: Session, site: Site) -> list[dict[str, str]]:
    rows = session.execute(
        select(Desk.name, RotaShift.weekday, RotaShift.start_min, RotaShift.end_min)
        .join(Desk, RotaShift.desk_id == Desk.id)
        .where(RotaShift.site_id == site.id, Desk.active)
        .order_by(Desk.position, RotaShift.weekday, RotaShift.start_min)
    )
    return [
        {"desk": name, "weekday": DAYS[weekday], "from": clock(start), "to": clock(end)}
        for name, weekday, start, end in rows
    ]


def _revision(shifts: list[dict[str, str]]) -> str:
    canonical = json.dumps(shifts, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _view(session: Session, site: Site) -> dict[str, Any]:
    shifts = _shifts(session, site)
    return {
        "site": site.slug,
        "version": site.version,
        "revision": _revision(shifts),
        "timezone": site.timezone,
        "opening_hours": dict(site.opening_hours),
        "edited_by": site.rota_edited_by,
        "edited_at": views.iso(site.rota_edited_at),
        "desks": [views.desk_view(d) for d in site.desks if d.active],
        "shifts": shifts,
    }
