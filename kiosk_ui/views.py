"""The kiosk pages: a paired kiosk device only (queue_service.web.pairing)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from queue_service.api.context import uow
from queue_service.services import snapshots
from queue_service.services.accounts import Pairing
from queue_service.web.pairing import device_page

bp = Blueprint(
    "kiosk", __name__, url_prefix="/kiosk", template_folder="templates", static_folder="static"
)


@bp.get("/<site>")
@device_page("kiosk")
def kiosk(pairing: Pairing) -> str:
    """The start screen: one button per service; a tap issues a walk-in ticket."""
    strings = {
        "issuing": _("Getting your ticket…"),
        "issued": _("Your ticket is {number}. Please take a seat."),
        "closed": _("Sorry, we are closed now."),
        "failed": _("Sorry, no ticket was issued. Please see reception."),
    }
    return render_template(
        "kiosk/kiosk.html",
        pairing=pairing,
        site=snapshots.site_detail(uow(), pairing.site_slug),
        strings=strings,
    )
