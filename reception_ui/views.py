"""The staff pages under /staff: sign-in, a home by role and site, the reception view and the
desk view. Pages only draw; every change goes through the API with the session cookie and its
CSRF token, and every page checks the role on the server (`access.staff_page`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from queue_service.api.context import uow
from queue_service.rules.permissions import Role
from queue_service.services import accounts, snapshots

from . import strings
from .access import staff_page, works_at

bp = Blueprint(
    "staff", __name__, url_prefix="/staff", template_folder="templates", static_folder="static"
)

SERVING_ROLES = (Role.ADVISER, Role.MANAGER, Role.ADMIN)


@bp.get("/login")
def login() -> str:
    """The sign-in form; afterwards the browser goes to `next` (a staff page) or home."""
    target = request.args.get("next", "")
    if not target.startswith("/staff") or target.startswith("/staff/login"):
        target = url_for("staff.staff")
    return render_template("staff/login.html", strings=strings.login(), next=target)


@bp.get("", endpoint="staff")
@staff_page()
def home(user: dict[str, Any]) -> ResponseReturnValue:
    """The user's sites and, for each, the views their role uses; one site and one view
    goes straight there."""
    sites = [s for s in snapshots.list_sites(uow()) if works_at(user, s["slug"])]
    chosen = request.args.get("site")
    if chosen:
        sites = [s for s in sites if s["slug"] == chosen] or sites
    views = ["reception", "desk"] if user["role"] in SERVING_ROLES else ["reception"]
    if len(sites) == 1 and user["role"] != Role.MANAGER:
        landing = "desk" if user["role"] == Role.ADVISER else "reception"
        return redirect(url_for(f"staff.{landing}", site=sites[0]["slug"]))
    return render_template(
        "staff/home.html", strings=strings.shared(), user=user, sites=sites, views=views
    )


@bp.get("/<site>/reception")
@staff_page()
def reception(user: dict[str, Any], site: dict[str, Any]) -> str:
    """Arrivals to greet, both queues, today's appointments, notices and the day's end."""
    return _view("staff/reception.html", strings.reception(), user, site)


@bp.get("/<site>/desk")
@staff_page(*SERVING_ROLES)
def desk(user: dict[str, Any], site: dict[str, Any]) -> str:
    """One desk: open or close it, call next, serve, transfer, call someone by name."""
    return _view("staff/desk.html", strings.desk(), user, site)


@bp.get("/<site>/team")
@staff_page(Role.MANAGER, Role.ADMIN)
def team(user: dict[str, Any], site: dict[str, Any]) -> str:
    """Managers only: who can sign in at the site, with which role."""
    members = accounts.site_users(uow(), site["slug"])
    return render_template(
        "staff/team.html", strings=strings.shared(), user=user, site=site, members=members
    )


def _view(template: str, texts: dict[str, str], user: dict[str, Any], site: Any) -> str:
    # Only a server started for browser tests lets a page move its clocks (`?clock_offset_s=`),
    # so that the 2-minute clock can be seen turning amber and red without waiting.
    offset = (
        request.args.get("clock_offset_s", "0")
        if current_app.config["STAFF_CLOCK_OFFSETS"]
        else "0"
    )
    return render_template(
        template,
        strings=texts,
        user=user,
        site=site,
        idle_min=current_app.config["STAFF_IDLE_MIN"],
        clock_offset_s=offset if offset.lstrip("-").isdigit() else "0",
    )
