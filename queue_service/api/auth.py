"""Staff sign-in with a session cookie."""

from __future__ import annotations

from flask import Blueprint, session
from flask.typing import ResponseReturnValue

from ..errors import NotAuthenticated
from ..services import accounts
from . import limits
from .context import staff_session, start_staff_session, uow
from .security import check_idle, csrf_token
from .validation import Form

bp = Blueprint("auth", __name__)


@bp.post("/auth/login")
def login() -> ResponseReturnValue:
    """Sign in: the session cookie, and the CSRF token its changes must send."""
    form = Form.from_request()
    username = form.text("username", required=True, max_length=60)
    password = form.secret("password")
    form.done()
    assert username is not None and password is not None
    limits.check_sign_in(username)
    try:
        user, staff = accounts.login(uow(), username, password)
    except NotAuthenticated:
        limits.sign_in_failed(username)
        raise
    limits.signed_in(username)
    start_staff_session(staff)
    check_idle()
    return {**user, "csrf_token": csrf_token()}


@bp.post("/auth/logout")
def logout() -> ResponseReturnValue:
    """Sign out: the session ends on the server too, so a copy of the cookie is worthless."""
    staff = staff_session()
    session.clear()
    if staff is not None:
        accounts.logout(uow(), staff)
    return "", 204


@bp.get("/auth/me")
def me() -> ResponseReturnValue:
    """The signed-in user, with the CSRF token that the session's changes must send."""
    return {**accounts.me(uow(), staff_session()), "csrf_token": csrf_token()}
