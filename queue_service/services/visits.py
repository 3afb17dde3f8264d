"""Moving a visit through its lifecycle: greet, call, recall, start, complete, no-show,
transfer, cancel. Each is all-or-nothing and writes one event-log row (DESIGN §4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ..errors import Conflict, IllegalTransition, Invalid
from ..events import VisitCalled, VisitChanged
from ..models import Desk, Site, Visit, VisitEvent
from ..rules.lifecycle import Action, Status, refusal
from ..rules.permissions import Actor, Permission
from . import queries, queue_plan, views
from .uow import UnitOfWork

# Applies one action to a loaded, locked visit; returns the event's extra data.
Change = Callable[[Session, Visit, datetime], dict[str, Any]]

PERMISSION = {
    Action.GREET: Permission.GREET,
    Action.CALL: Permission.SERVE,
    Action.RECALL: Permission.SERVE,
    Action.START: Permission.SERVE,
    Action.COMPLETE: Permission.SERVE,
    Action.NO_SHOW: Permission.SERVE,
    Action.TRANSFER: Permission.TRIAGE,
    Action.CANCEL: Permission.TRIAGE,
    Action.TRIAGE: Permission.TRIAGE,
}


def greet(uow: UnitOfWork, actor: Actor, visit_id: int) -> dict[str, Any]:
    """A receptionist has greeted the customer: starts nothing, stops the 2-minute clock."""

    def change(_s: Session, visit: Visit, now: datetime) -> dict[str, Any]:
        visit.greeted_at = now
        return {}

    return _transition(uow, actor, visit_id, Action.GREET, change)


def call(
    uow: UnitOfWork, actor: Actor, visit_id: int, desk_id: int, reason: str | None = None
) -> dict[str, Any]:
    """Call a chosen waiting visit to a desk (staff override of the call order); the reason
    for calling out of order, when given, is kept in the event log."""

    def change(session: Session, visit: Visit, now: datetime) -> dict[str, Any]:
        desk = queries.desk_by_id(session, desk_id)
        if desk.site_id != visit.site_id:
            raise Invalid("that desk is at another site", fields={"desk": "not at this site"})
        assign_to_desk(session, visit, desk, now)
        return {"desk": desk.name, **({"reason": reason} if reason else {})}

    return _transition(uow, actor, visit_id, Action.CALL, change)


def recall(uow: UnitOfWork, actor: Actor, visit_id: int) -> dict[str, Any]:
    """Call the same visit again to the same desk (announced again)."""

    def change(_s: Session, visit: Visit, now: datetime) -> dict[str, Any]:
        visit.called_at = now
        # The board's recent calls read the desk from the log row, as for a first call.
        return {"desk": visit.desk.name if visit.desk else None}

    return _transition(uow, actor, visit_id, Action.RECALL, change)


def start(uow: UnitOfWork, actor: Actor, visit_id: int) -> dict[str, Any]:
    """The customer reached the desk: service starts (the first start is what waits measure)."""

    def change(_s: Session, visit: Visit, now: datetime) -> dict[str, Any]:
        visit.status = Status.SERVING
        if visit.service_started_at is None:
            visit.service_started_at = now
        return {}

    return _transition(uow, actor, visit_id, Action.START, change)


def complete(uow: UnitOfWork, actor: Actor, visit_id: int) -> dict[str, Any]:
    """Service finished."""

    def change(_s: Session, visit: Visit, now: datetime) -> dict[str, Any]:
        visit.status = Status.DONE
        visit.completed_at = visit.ended_at = now
        return {}

    return _transition(uow, actor, visit_id, Action.COMPLETE, change)


def no_show(uow: UnitOfWork, actor: Actor, visit_id: int) -> dict[str, Any]:
    """Called but never came to the desk."""

    def change(_s: Session, visit: Visit, now: datetime) -> dict[str, Any]:
        visit.status = Status.NO_SHOW
        visit.ended_at = now
        return {}

    return _transition(uow, actor, visit_id, Action.NO_SHOW, change)


def transfer(
    uow: UnitOfWork, actor: Actor, visit_id: int, service_code: str, note: str | None = None
) -> dict[str, Any]:
    """Send the visit back to wait for another service, keeping its arrival time and number;
    a note for the next adviser is added to the visit's notes."""

    def change(session: Session, visit: Visit, now: datetime) -> dict[str, Any]:
        if visit.arrived_at < queries.day_began(visit.site, now):
            # Back in a queue, it would only be closed at once: its day has ended.
            raise Conflict(
                "this visit's day has ended: complete it instead of transferring it",
                code="day_ended",
            )
        target = queries.service_by_code(session, visit.site, service_code)
        if target.id == visit.service_id:
            raise Invalid("the visit is already for that service", fields={"service": "same"})
        previous = visit.service.code
        visit.service = target
        visit.status = Status.WAITING
        visit.desk = None
        if note:
            _add_note(visit, note)
        return {"from": previous, "to": target.code, **({"note": note} if note else {})}

    return _transition(uow, actor, visit_id, Action.TRANSFER, change)


def cancel(uow: UnitOfWork, actor: Actor, visit_id: int, reason: str) -> dict[str, Any]:
    """End a visit that will not be served: `cancelled` by staff or the customer `left`."""
    if reason not in (Status.CANCELLED, Status.LEFT):
        raise Invalid("reason must be 'cancelled' or 'left'", fields={"reason": "unknown"})

    def change(_s: Session, visit: Visit, now: datetime) -> dict[str, Any]:
        visit.status = Status(reason)
        visit.ended_at = now
        return {"reason": reason}

    return _transition(uow, actor, visit_id, Action.CANCEL, change)


def triage(
    uow: UnitOfWork,
    actor: Actor,
    visit_id: int,
    *,
    note: str | None = None,
    needs: list[str] | None = None,
    priority: bool | None = None,
) -> dict[str, Any]:
    """Reception's triage: add a note, set the assistance needs or the priority. What changed
    is kept in the event log; a changed priority moves the visit in the walk-in queue."""
    if note is None and needs is None and priority is None:
        raise Invalid("nothing to change: send note, needs or priority")

    def change(_s: Session, visit: Visit, _now: datetime) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if note:
            _add_note(visit, note)
            data["note"] = note
        if needs is not None:
            visit.needs = needs
            data["needs"] = needs
        if priority is not None:
            visit.priority = priority
            data["priority"] = priority
        return data

    return _transition(uow, actor, visit_id, Action.TRIAGE, change)


def _add_note(visit: Visit, note: str) -> None:
    visit.notes = f"{visit.notes}\n{note}" if visit.notes else note


def assign_to_desk(session: Session, visit: Visit, desk: Desk, now: datetime) -> None:
    """Mark a waiting visit called to a desk; the desk must be free."""
    busy = queries.desk_in_use(session, desk.id)
    if busy is not None and busy.id != visit.id:
        raise Conflict(f"{desk.name} is still busy with {busy.number}", code="desk_busy")
    visit.status = Status.CALLED
    visit.desk = desk
    visit.called_at = now


def record(
    uow: UnitOfWork,
    session: Session,
    actor: Actor,
    site: Site,
    visit: Visit,
    action: Action,
    now: datetime,
    data: dict[str, Any],
) -> dict[str, Any]:
    """Log the transition, bump the site, queue the events and describe the visit for staff."""
    # The desk through the relationship: a call or transfer has just changed it, and
    # `visit.desk_id` still holds the old one until the next flush.
    desk_id = visit.desk.id if visit.desk is not None else None
    session.add(
        VisitEvent(visit=visit, type=action, at=now, actor=actor.label, desk_id=desk_id, data=data)
    )
    session.flush()
    uow.touch(site)
    uow.emit(
        VisitChanged(site_id=site.id, site_slug=site.slug, visit_id=visit.id, token=visit.token)
    )
    if action in (Action.CALL, Action.RECALL) and visit.desk is not None:
        uow.emit(
            VisitCalled(
                site_id=site.id,
                site_slug=site.slug,
                visit_id=visit.id,
                number=visit.number,
                desk=visit.desk.name,
                service=visit.service.name,
                at=now,
                language=visit.language,
                recall=action == Action.RECALL,
            )
        )
    if action in (Action.COMPLETE, Action.TRANSFER):
        site_id = site.id
        uow.after_commit(lambda: uow.memo.forget_times(site_id))
    if visit.status != Status.WAITING:
        return views.visit_staff(queue_plan.unplanned(visit))
    return views.visit_staff(queue_plan.build(uow, session, site, now).planned(visit))


def _transition(
    uow: UnitOfWork, actor: Actor, visit_id: int, action: Action, change: Change
) -> dict[str, Any]:
    with uow.writing() as session:
        site_id = queries.site_id_of(session, Visit, visit_id)
        queries.require(actor, PERMISSION[action], site_id)
        site = uow.lock_site(site_id)
        visit = queries.visit_by_id(session, visit_id)
        why = refusal(action, Status(visit.status), already_greeted=visit.greeted_at is not None)
        if why:
            raise IllegalTransition(why)
        now = uow.now()
        data = change(session, visit, now)
        body = record(uow, session, actor, site, visit, action, now, data)
        uow.commit()
    return body
