"""The lobby display pages: a paired display, or anyone when the site's board is public."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from queue_service.services.accounts import Pairing
from queue_service.web.i18n import LANGUAGES
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
    """The board, drawn live from the `board` snapshot and announced from `called` pushes by
    display.js. The page's strings are in the page's language; the spoken call comes in every
    language we translate, since each call is spoken in its own ticket's language."""
    return render_template("display/display.html", pairing=pairing, strings=_strings())


def _strings() -> dict[str, str]:
    strings = {
        "connecting": _("Connecting…"),
        "live": _("Live"),
        "reconnecting": _("Reconnecting…"),
        "offline": _("Offline"),
        "offline_banner": _(
            "This screen lost its connection at {time}. The waits shown are not current: "
            "please ask at reception."
        ),
        "refused": _("This screen can no longer show the board: {reason}"),
        "desk": _("Please go to {desk}"),
        "recall": _("Called again"),
        "nobody": _("Nobody is being called yet."),
        "wait_range": _("{low}\N{EN DASH}{high} min"),
        "wait_short": _("under {high} min"),
        "no_desk": _("No desk open"),
        "wait_unknown": _("Not known now"),
        "stale_since": _("As of {time}"),
        "notice_wait": _("Waits are about {minutes} minutes"),
        "no_appointments": _("No appointments in the next half hour."),
    }
    strings["announce_languages"] = " ".join(LANGUAGES)
    for code in LANGUAGES:
        with force_locale(code):
            strings[f"announce:{code}"] = _("Ticket {number}, please go to {desk}")
    return strings
