"""The translated strings each staff page hands to its scripts (`i18n.js`). Functions, since
gettext needs the request's locale."""

from __future__ import annotations

from flask_babel import gettext as _


def shared() -> dict[str, str]:
    """Strings every signed-in staff page uses."""
    return {
        "signed_out_idle": _("You were signed out after a time without use."),
        "offline": _("Not connected: what you see may be out of date."),
        "waited": _("waited {time}"),
        "min": _("{n} min"),
        "none": _("Nobody."),
        "conflict": _("Not done: {message}"),
        "done": _("Done: {what}"),
        "priority": _("priority"),
        "appointment": _("appointment"),
        "walk_in": _("walk-in"),
    }


def login() -> dict[str, str]:
    """The sign-in page's strings."""
    return {
        "failed": _("Wrong username or password."),
        "idle": _("You were signed out after a time without use. Please sign in again."),
    }


def reception() -> dict[str, str]:
    """The reception view's strings."""
    return {
        **shared(),
        "greet": _("Greet"),
        "greet_save": _("Greet and save"),
        "left": _("Left"),
        "check_in": _("Check in"),
        "arrived": _("arrived {time} ago"),
        "greeted": _("Greeted {number}"),
        "issued": _("Ticket {number} issued"),
        "checked_in": _("{number} checked in"),
        "booked": _("Booked: reference {reference}"),
        "marked_left": _("{number} marked as left"),
        "imported": _("{added} added, {updated} updated, {unchanged} unchanged"),
        "posted": _("Notice posted"),
        "cleared": _("Notice cleared"),
        "suggest": _(
            "{service}: the estimated wait, {wait} min, is over the {target} min target."
            " Post a delay notice?"
        ),
        "estimate": _("{service}: {waiting} waiting, about {wait} min"),
        "confirm_close": _(
            "{waiting} waiting and {called} called will be closed as unserved. Close the day?"
        ),
        "closed": _("Day closed: {count} closed"),
        "day_now": _("Now: {waiting} waiting, {called} called."),
        "status_booked": _("booked"),
        "status_checked_in": _("checked in"),
        "status_cancelled": _("cancelled"),
    }


def desk() -> dict[str, str]:
    """The desk view's strings."""
    return {
        **shared(),
        "open": _("Open desk"),
        "close": _("Close desk"),
        "desk_open": _("{desk} is open"),
        "desk_closed": _("{desk} is closed"),
        "nobody_waiting": _("Nobody is waiting for this desk."),
        "called": _("Called {number}"),
        "call": _("Call"),
        "reason_needed": _("Say why you are calling out of turn."),
        "no_notes": _("No notes"),
        "no_needs": _("No needs"),
        "taken": _("Not done: another desk has already called {number}."),
        "status_called": _("called"),
        "status_serving": _("being served"),
    }


def rota() -> dict[str, str]:
    """The rota page's strings."""
    return {
        "saving": _("Saving…"),
        "invalid": _("Not saved: some hours need correcting (marked below)."),
        "changed": _(
            "Not saved: someone else changed the rota since this page opened. Reload to see it."
        ),
        "failed": _("Not saved: {message}"),
        "removed": _("Hours removed. Save the rota to keep the change."),
    }
