"""The customer's phone page at /t/<token>: public (the token is the only key), live through
the `ticket` push, in the ticket's language, with no personal data; and the ticket's QR code,
which the kiosk shows and prints so that a phone can open this page."""

from __future__ import annotations

from contextlib import nullcontext

import qrcode
from flask import Blueprint, Response, current_app, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from qrcode.image.svg import SvgPathImage

from queue_service.api.context import uow
from queue_service.errors import NotFound
from queue_service.services import tickets
from queue_service.web.i18n import LANGUAGES

from .wait import wait_strings

bp = Blueprint("phone", __name__, url_prefix="/t", template_folder="templates")


def phone_strings() -> dict[str, str]:
    """What phone.js says, in the ticket's language."""
    return {
        **wait_strings(),
        "waiting": _("Please wait; we'll call your number."),
        "called": _("Called to {desk}. Please go there now."),
        "serving": _("You are being served."),
        "ended": _("This ticket has finished. Thank you for visiting."),
        "left": _("You told us you have left. Thank you."),
        "live": _("Live"),
        "offline": _("Not connected. Reload the page."),
        "leave_failed": _("Sorry, that did not work. Please try again or tell reception."),
    }


@bp.get("/<token>")
def ticket(token: str) -> ResponseReturnValue:
    """The ticket's live page, or a plain 404 page for a token we do not know."""
    try:
        visit = tickets.ticket_status(uow(), token)
    except NotFound:
        return render_template("not_found.html"), 404
    chosen = visit.get("language")
    with force_locale(chosen) if chosen in LANGUAGES else nullcontext():
        page = render_template("phone/ticket.html", visit=visit, strings=phone_strings())
    return page, 200, {"Cache-Control": "no-store"}


@bp.get("/<token>/qr.svg")
def qr_code(token: str) -> ResponseReturnValue:
    """The QR code that opens the ticket's phone page (made here: no third party sees it)."""
    try:
        tickets.ticket_status(uow(), token)
    except NotFound:
        return render_template("not_found.html"), 404
    address = current_app.config["PUBLIC_BASE_URL"] + url_for("phone.ticket", token=token)
    image = qrcode.make(address, image_factory=SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})
