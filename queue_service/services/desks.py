"""Desks: opening, closing, and calling the next customer by the call rule."""

from __future__ import annotations

from typing import Any

from ..errors import Conflict
from ..models import Desk, Site
from ..rules.lifecycle import Action, Status
from ..rules.next_visit import choose_next
from ..rules.permissions import Actor, Permission
from . import idempotency, queries, views, visits
from .idempotency import IdempotencyKey
from .uow import UnitOfWork


def open_desk(uow: UnitOfWork, actor: Actor, desk_id: int) -> dict[str, Any]:
    """The desk starts taking calls."""
    return _set_open(uow, actor, desk_id, True)


def close_desk(uow: UnitOfWork, actor: Actor, desk_id: int) -> dict[str, Any]:
    """The desk stops taking calls; a visit already at it carries on."""
    return _set_open(uow, actor, desk_id, False)


def call_next(
    uow: UnitOfWork, actor: Actor, desk_id: int, key: str | None = None
) -> tuple[dict[str, Any] | None, bool]:
    """Call whoever the rule puts next for this desk. Returns (visit or None, is a replay)."""
    with uow.writing() as session:
        site = _lock_desks_site(uow, actor, desk_id)
        desk = queries.desk_by_id(session, desk_id)
        scope = f"call-next:{desk.id}:{actor.label}"
        idem = IdempotencyKey.for_request(scope, key, {"desk": desk.id}) if key else None
        if stored := idempotency.replay(session, idem):
            return stored.body, True
        if not desk.is_open:
            raise Conflict(f"{desk.name} is closed", code="desk_closed")
        now = uow.now()
        waiting = [
            v for v in queries.active_visits(session, site, now) if v.status == Status.WAITING
        ]
        service_ids = {s.id for s in desk.services if s.active}
        chosen = choose_next(
            now, service_ids, [queries.candidate(v) for v in waiting], queries.policy_for(site)
        )
        body = None
        if chosen is not None:
            visit = next(v for v in waiting if v.id == chosen.visit_id)
            visits.assign_to_desk(session, visit, desk, now)
            body = visits.record(
                uow, session, actor, site, visit, Action.CALL, now, {"desk": desk.name}
            )
        idempotency.remember(session, idem, body, now)
        uow.commit()
    return body, False


def _set_open(uow: UnitOfWork, actor: Actor, desk_id: int, is_open: bool) -> dict[str, Any]:
    with uow.writing() as session:
        site = _lock_desks_site(uow, actor, desk_id)
        desk = queries.desk_by_id(session, desk_id)
        if desk.is_open != is_open:
            desk.is_open = is_open
            uow.touch(site)
        body = views.desk_view(desk)
        uow.commit()
    return body


def _lock_desks_site(uow: UnitOfWork, actor: Actor, desk_id: int) -> Site:
    """Check the actor may serve at the desk's site and lock it. The desk itself is loaded
    only after the lock: a close queued just before this request must be seen."""
    site_id = queries.site_id_of(uow.session, Desk, desk_id)
    queries.require(actor, Permission.SERVE, site_id)
    return uow.lock_site(site_id)
