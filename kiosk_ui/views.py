"""The kiosk page at /kiosk/<site>: a paired kiosk device only (queue_service.web.pairing).

One page with several screens (start, extra help, check-in, ticket, message) that kiosk.js
shows one at a time; every word it needs is translated here and handed over as `strings`."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from queue_service.api.context import uow
from queue_service.services import snapshots
from queue_service.services.accounts import Pairing
from queue_service.web.pairing import device_page

from .wait import wait_strings

bp = Blueprint(
    "kiosk", __name__, url_prefix="/kiosk", template_folder="templates", static_folder="static"
)

# Services with a drawn icon (kiosk_ui/static/icons/<code>.svg); others get the general one.
ICONS = frozenset({"ct", "ben", "hou", "bbp", "taxi", "gen"})
# How long a finished screen stays before the kiosk goes back to the start, and how long
# before that it warns (WCAG 2.2.1: the customer may ask for more time).
SCREEN_TIMEOUT_S = 30
WARNING_S = 10
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def needs() -> dict[str, str]:
    """The extra help a customer may ask for: the code the API records, and its words."""
    return {
        "wheelchair": _("Wheelchair access"),
        "hearing_loop": _("Hearing loop"),
        "interpreter": _("An interpreter"),
        "digital_help": _("Help with online services"),
    }


def day_names() -> dict[str, str]:
    return {
        "mon": _("Monday"),
        "tue": _("Tuesday"),
        "wed": _("Wednesday"),
        "thu": _("Thursday"),
        "fri": _("Friday"),
        "sat": _("Saturday"),
        "sun": _("Sunday"),
    }


def kiosk_strings() -> dict[str, str]:
    """What kiosk.js says, in the page's language."""
    return {
        **wait_strings(),
        "issuing": _("Getting your ticket…"),
        "closed": _("Sorry, we are closed now. No tickets can be issued."),
        "failed": _("Sorry, no ticket was issued. Please see reception."),
        "checking_in": _("Checking you in…"),
        "checked_in": _("You are checked in. Your appointment is at {time}."),
        "early": _(
            "Your appointment is at {time}. Please take a seat; we'll call you at your time."
        ),
        "late": _(
            "Your appointment was at {time}, more than {grace} minutes ago. We have added you "
            "to the queue for customers without an appointment; we'll call you as soon as we can."
        ),
        "unknown": _("We could not find the booking reference {reference}. Please check it."),
        "not_today": _("The booking {reference} is for another day."),
        "already": _("The booking {reference} has already checked in."),
        "cancelled": _("The booking {reference} was cancelled."),
        "countdown": _("Going back to the start in {seconds} seconds."),
        "warning": _("Going back to the start in {seconds} seconds. Need more time?"),
        "needs_chosen": _("Extra help: {needs}"),
        "live": _("Connected"),
        "offline": _("Not connected. Please see reception."),
        **{f"need_{code}": words for code, words in needs().items()},
    }


@bp.get("/<site>")
@device_page("kiosk")
def kiosk(pairing: Pairing) -> str:
    """The kiosk: services, extra help, appointment check-in, and the ticket."""
    site = snapshots.site_detail(uow(), pairing.site_slug)
    icons = {
        service["code"]: service["code"].lower() if service["code"].lower() in ICONS else "gen"
        for service in site["services"]
    }
    return render_template(
        "kiosk/kiosk.html",
        pairing=pairing,
        site=site,
        icons=icons,
        needs=needs(),
        days=day_names(),
        day_codes=DAYS,
        timeout_s=SCREEN_TIMEOUT_S,
        warning_s=WARNING_S,
        strings=kiosk_strings(),
    )
