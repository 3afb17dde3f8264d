"""Staff actions on one visit: POST /visits/<id>/<action>."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..services import visits
from .context import actor, uow
from .validation import Form

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
def plain_action(visit_id: int, action: str) -> ResponseReturnValue:
    Form.from_request(optional=True).done()
    return PLAIN[action](uow(), actor(), visit_id)


@bp.post(f"{VISIT}/call")
def call(visit_id: int) -> ResponseReturnValue:
    form = Form.from_request()
    desk = form.integer("desk", required=True, minimum=1)
    reason = form.text("reason", max_length=200)
    form.done()
    assert desk is not None
    return visits.call(uow(), actor(), visit_id, desk, reason)


@bp.post(f"{VISIT}/transfer")
def transfer(visit_id: int) -> ResponseReturnValue:
    form = Form.from_request()
    service = form.text("service", required=True, max_length=16)
    note = form.text("note", max_length=500)
    form.done()
    assert service is not None
    return visits.transfer(uow(), actor(), visit_id, service, note)


@bp.post(f"{VISIT}/triage")
def triage(visit_id: int) -> ResponseReturnValue:
    """Add a note, set needs or priority; only the fields sent change."""
    form = Form.from_request()
    note = form.text("note", max_length=500)
    needs = form.text_list("needs") if "needs" in form else None
    priority = form.boolean("priority") if "priority" in form else None
    form.done()
    return visits.triage(uow(), actor(), visit_id, note=note, needs=needs, priority=priority)


@bp.post(f"{VISIT}/cancel")
def cancel(visit_id: int) -> ResponseReturnValue:
    form = Form.from_request(optional=True)
    reason = form.text("reason", max_length=20) or "cancelled"
    form.done()
    return visits.cancel(uow(), actor(), visit_id, reason)
