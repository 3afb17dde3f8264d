"""Staff actions on one visit: POST /visits/<id>/<action>."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..services import visits
from .context import actor, uow
from .inputs import Call, Cancel, Empty, Transfer, Triage
from .outputs import StaffVisit
from .spec import STAFF, operation

bp = Blueprint("visits", __name__)

VISIT = "/visits/<int(max=2147483647):visit_id>"
# Actions that take no input beyond the visit.
PLAIN = {
    "greet": visits.greet,
    "recall": visits.recall,
    "start": visits.start,
    "complete": visits.complete,
    "no-show": visits.no_show,
}


@bp.post(f"{VISIT}/<any({', '.join(repr(a) for a in PLAIN)}):action>")
@operation({200: StaffVisit}, body=Empty, body_optional=True, errors=STAFF)
def plain_action(visit_id: int, action: str) -> ResponseReturnValue:
    """greet, recall, start, complete or no-show."""
    return PLAIN[action](uow(), actor(), visit_id)


@bp.post(f"{VISIT}/call")
@operation({200: StaffVisit}, body=Call, errors=STAFF)
def call(visit_id: int, body: Call) -> ResponseReturnValue:
    """Call this visit to a desk."""
    return visits.call(uow(), actor(), visit_id, body.desk, body.reason)


@bp.post(f"{VISIT}/transfer")
@operation({200: StaffVisit}, body=Transfer, errors=STAFF)
def transfer(visit_id: int, body: Transfer) -> ResponseReturnValue:
    """Send the visit to another service's queue, keeping its arrival time."""
    return visits.transfer(uow(), actor(), visit_id, body.service, body.note)


@bp.post(f"{VISIT}/triage")
@operation({200: StaffVisit}, body=Triage, errors=STAFF)
def triage(visit_id: int, body: Triage) -> ResponseReturnValue:
    """Reception's triage: add a note, set needs or priority (only the fields sent change)."""
    return visits.triage(
        uow(), actor(), visit_id, note=body.note, needs=body.needs, priority=body.priority
    )


@bp.post(f"{VISIT}/cancel")
@operation({200: StaffVisit}, body=Cancel, body_optional=True, errors=STAFF)
def cancel(visit_id: int, body: Cancel) -> ResponseReturnValue:
    """End a visit that will not be served."""
    return visits.cancel(uow(), actor(), visit_id, body.reason)
