"""Who may open a staff page: one decorator, reused by every page on the staff blueprint
(reports included), so each role check happens on the server.

    @bp.get("/<site>/desk")
    @staff_page(Role.ADVISER, Role.MANAGER, Role.ADMIN)
    def desk(user: dict, site: dict) -> str: ...

A visitor who is not signed in (or whose session ended or went idle) is sent to sign in and
brought back; a signed-in user without the role, or not of the page's site, gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from queue_service.api.context import staff_session, uow
from queue_service.api.security import check_idle
from queue_service.errors import NotAuthenticated, NotFound
from queue_service.rules.permissions import Role
from queue_service.services import accounts, snapshots

View = Callable[..., ResponseReturnValue]


def staff_page(*roles: Role) -> Callable[[View], View]:
    """Let only signed-in staff with one of `roles` (any staff role when none is given) open
    the page; the view gets `user` (as `/auth/me` shows it) and, for pages under
    `/<site>/`, `site` (the site with its services and desks)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def page(**kwargs: Any) -> ResponseReturnValue:
            try:
                if staff_session() is not None:
                    check_idle()
                user = accounts.me(uow(), staff_session())
            except NotAuthenticated:
                return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
            if roles and user["role"] not in roles:
                return forbidden(user)
            if "site" in kwargs:
                try:
                    kwargs["site"] = snapshots.site_detail(uow(), kwargs["site"])
                except NotFound:
                    return render_template("not_found.html"), 404
                if not works_at(user, kwargs["site"]["slug"]):
                    return forbidden(user)
            return view(user=user, **kwargs)

        return page

    return decorate


def works_at(user: dict[str, Any], site_slug: str) -> bool:
    """Whether the user belongs to the site (admins belong to every site)."""
    return user["role"] == Role.ADMIN or site_slug in user["sites"]


def forbidden(user: dict[str, Any]) -> ResponseReturnValue:
    """The 403 page: signed in, but this page is not for this user."""
    return render_template("staff/forbidden.html", user=user), 403
