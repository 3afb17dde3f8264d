"""The audit trail page, /staff/<site>/audit (managers of the site): the site's event log a
local day and a page at a time, drawn on the server from the same use case as
GET /api/v1/sites/<site>/audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from pydantic import ConfigDict

from queue_service.api import validation
from queue_service.api.context import actor, uow
from queue_service.api.inputs import AuditQuery
from queue_service.errors import Invalid
from queue_service.rules.calendar import zone
from queue_service.rules.permissions import Role
from queue_service.services import audit

from .access import staff_page
from .reports import nav_sites, refused
from .views import bp


class AuditPageQuery(AuditQuery):
    """The API's query, among the page's own parameters (`?lang=`)."""

    model_config = ConfigDict(extra="ignore")


@bp.get("/<site>/audit")
@staff_page(Role.MANAGER, Role.ADMIN)
def audit_trail(user: dict[str, Any], site: dict[str, Any]) -> ResponseReturnValue:
    """Who did what to which visit, and when, on a local day (today at first)."""
    try:
        query = validation.query(AuditPageQuery)
    except Invalid as exc:
        problems = "; ".join(f"{name} {text}" for name, text in (exc.fields or {}).items())
        return refused(
            _("That page of the audit trail cannot be shown: %(problems)s", problems=problems), 422
        )
    log = audit.day_log(uow(), actor(), site["slug"], query.date, query.page)
    tz = zone(site["timezone"])
    for entry in log["entries"]:
        entry["local_time"] = (
            datetime.fromisoformat(entry["at"]).astimezone(tz).strftime("%H:%M:%S")
        )
    return render_template(
        "reports/audit.html", log=log, site=site, nav_sites=nav_sites(user), user=user
    )
