"""Staff sign-in with a session cookie."""

from __future__ import annotations

from flask import Blueprint, session
from flask.typing import ResponseReturnValue

from ..errors import NotAuthenticated
from ..services import accounts
from . import limits
from .context import staff_session, start_staff_session, uow
from .inputs import Login
from .outputs import SignedIn
from .security import check_idle, csrf_token
from .spec import operation

bp = Blueprint("auth", __name__)


@bp.post("/auth/login")
@operation({200: SignedIn}, body=Login, errors=(401,))
def login(body: Login) -> ResponseReturnValue:
    """Sign in; sets the session cookie. The answer's csrf_token must be sent as X-CSRF-Token
    with every state-changing request of the session."""
    limits.check_sign_in(body.username)
    try:
        user, staff = accounts.login(uow(), body.username, body.password)
    except NotAuthenticated:
        limits.sign_in_failed(body.username)
        raise
    limits.signed_in(body.username)
    start_staff_session(staff)
    check_idle()
    return {**user, "csrf_token": csrf_token()}


@bp.post("/auth/logout")
@operation({204: None})
def logout() -> ResponseReturnValue:
    """Sign out: ends the user's sessions on the server (a copy of the cookie is worthless)
    and closes their live connections."""
    staff = staff_session()
    session.clear()
    if staff is not None:
        accounts.logout(uow(), staff)
    return "", 204


@bp.get("/auth/me")
@operation({200: SignedIn}, errors=(401,))
def me() -> ResponseReturnValue:
    """The signed-in user, with the CSRF token that the session's changes must send."""
    return {**accounts.me(uow(), staff_session()), "csrf_token": csrf_token()}
