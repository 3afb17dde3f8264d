"""The words wait.js needs to describe a waiting ticket, on the kiosk and the phone page."""

from __future__ import annotations

from flask_babel import gettext as _


def wait_strings() -> dict[str, str]:
    """How many are ahead and the estimate range, in the page's language."""
    return {
        "ahead_none": _("You are next."),
        "ahead_one": _("1 person is ahead of you."),
        "ahead_many": _("{count} people are ahead of you."),
        # A range takes an en dash in English (and Polish and Arabic alike).
        "estimate": _("Your wait is about {low}–{high} minutes."),  # noqa: RUF001
        "no_estimate": _("We can't estimate your wait yet."),
        "reconnecting": _("Reconnecting…"),
    }
