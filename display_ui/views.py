"""The lobby display pages: a paired display, or anyone when the site's board is public."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from queue_service.services.accounts import Pairing
from queue_service.web.pairing import device_page

bp = Blueprint(
    "display",
    __name__,
    url_prefix="/display",
    template_folder="templates",
    static_folder="static",
)


@bp.get("/<site>")
@device_page("display", public_board=True)
def display(pairing: Pairing) -> str:
    """The board, drawn live from the `board` snapshot by display.js."""
    strings = {
        "connecting": _("Connecting…"),
        "live": _("Live"),
        "reconnecting": _("Reconnecting…"),
        "offline": _("Offline: what you see may be out of date"),
        "desk": _("{number} to {desk}"),
        "waiting": _("{service}: {waiting} waiting"),
        "nobody": _("Nobody is being called yet."),
    }
    return render_template("display/display.html", pairing=pairing, strings=strings)
