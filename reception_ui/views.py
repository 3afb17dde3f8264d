"""The staff pages: staff sign in with the session cookie of the API (`/api/v1/auth/login`)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

bp = Blueprint(
    "staff", __name__, url_prefix="/staff", template_folder="templates", static_folder="static"
)


@bp.get("")
def staff() -> str:
    """Sign in, and see who is signed in."""
    strings = {
        "signed_in": _("Signed in as {name} ({role}) at {sites}."),
        "all_sites": _("all sites"),
        "failed": _("Wrong username or password."),
        "signed_out": _("Signed out."),
    }
    return render_template("staff/staff.html", strings=strings)
