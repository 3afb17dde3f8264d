"""Ending a site's day (DESIGN §4): visits still waiting or called become `closed`, logged and
ended, never deleted and never carried into the next day, where their numbers would collide.

The day ends by itself at local midnight (or a set time after closing time): every write at a
site closes what an ended day left first (`UnitOfWork.lock_site` calls `close_ended_day`), and
a serving process closes it on time even when nobody writes (`close_due`). Reception may also
close the day by hand (`close_day`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..events import VisitChanged
from ..models import Site, Visit, VisitEvent
from ..rules.lifecycle import Action, Status
from ..rules.permissions import SYSTEM, Actor, Permission
from . import queries, views

if TYPE_CHECKING:
    from .uow import UnitOfWork

log = logging.getLogger(__name__)


def close_ended_day(uow: UnitOfWork, site: Site) -> int:
    """Inside a write transaction holding the site lock: close every visit still waiting or
    called from a day that has ended, as of the moment its day ended. Returns how many."""
    session, now = uow.session, uow.now()
    began = queries.day_began(site, now)
    if uow.memo.swept(site.id) == began:
        # Nothing was left when this process looked since the day began, and nothing can be
        # since: every later arrival belongs to this day (a transfer back into an ended day's
        # queue is refused).
        return 0
    leftovers = queries.ended_day_visits(session, site, now)
    if not leftovers:
        uow.memo.keep_swept(site.id, began)
    for visit in leftovers:
        ended = min(now, queries.day_ends(site, visit.arrived_at))
        _close(uow, session, site, visit, ended, SYSTEM, "day_ended")
    if leftovers:
        uow.touch(site)
        log.info("closed %d visit(s) left at %s by an ended day", len(leftovers), site.slug)
    return len(leftovers)


def close_due(uow: UnitOfWork) -> None:
    """Close every site's ended day (a serving process does this at start-up and at each
    day-end). Safe to run in several processes at once: the closing happens under the site
    lock, and a second pass finds nothing left."""
    with uow.reading() as session:
        now = uow.now()
        due = [
            s.id for s in session.scalars(select(Site)) if queries.ended_day_visits(session, s, now)
        ]
    for site_id in due:
        # What this read found outranks a look of this process that found nothing: another
        # process may have committed an arrival of the ended day just after that look.
        uow.memo.forget_swept(site_id)
        with uow.writing():
            uow.lock_site(site_id)  # closes what the ended day left
            uow.commit()


def next_day_end(uow: UnitOfWork) -> datetime | None:
    """The soonest moment any site's day ends, or None when there is no site."""
    with uow.reading() as session:
        now = uow.now()
        ends = [queries.day_ends(site, now) for site in session.scalars(select(Site))]
    return min(ends, default=None)


def day_status(uow: UnitOfWork, actor: Actor, site_slug: str) -> dict[str, Any]:
    """What closing the day now would close, and when the day ends by itself: what the staff
    app shows before reception confirms closing the day."""
    with uow.reading() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.VIEW_QUEUE, site.id)
        now = uow.now()
        return {"site": site.slug, **day_view(site, queries.active_visits(session, site, now), now)}


def close_day(uow: UnitOfWork, actor: Actor, site_slug: str) -> dict[str, Any]:
    """Reception closes the day: every visit still waiting or called is closed now; visits
    being served are left to finish."""
    with uow.writing() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.TRIAGE, site.id)
        site = uow.lock_site(site.id)
        now = uow.now()
        waiting = [
            v for v in queries.active_visits(session, site, now) if v.status in queries.CLOSABLE
        ]
        for visit in waiting:
            _close(uow, session, site, visit, now, actor, "closed_by_staff")
        if waiting:
            uow.touch(site)
        body = {"site": site.slug, "closed": len(waiting), "version": site.version}
        uow.commit()
    return body


def day_view(site: Site, active: list[Visit], now: datetime) -> dict[str, Any]:
    """How many visits closing the day would close now, and when the day ends by itself."""
    return {
        "waiting": sum(v.status == Status.WAITING for v in active),
        "called": sum(v.status == Status.CALLED for v in active),
        "ends_at": views.iso(queries.day_ends(site, now)),
        "auto_close_after_min": None
        if site.auto_close_after_s is None
        else site.auto_close_after_s // 60,
    }


def _close(
    uow: UnitOfWork,
    session: Session,
    site: Site,
    visit: Visit,
    at: datetime,
    actor: Actor,
    reason: str,
) -> None:
    visit.status = Status.CLOSED
    visit.ended_at = at
    session.add(
        VisitEvent(
            visit=visit,
            type=Action.CLOSE,
            at=at,
            actor=actor.label,
            desk_id=visit.desk_id,
            data={"reason": reason},
        )
    )
    uow.emit(
        VisitChanged(site_id=site.id, site_slug=site.slug, visit_id=visit.id, token=visit.token)
    )
