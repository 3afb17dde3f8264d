"""Staff sign-in with a session cookie."""

from __future__ import annotations

from flask import Blueprint, session
from flask.typing import ResponseReturnValue

from ..errors import NotAuthenticated
from ..services import accounts
from .context import uow
from .validation import Form

bp = Blueprint("auth", __name__)


@bp.post("/auth/login")
def login() -> ResponseReturnValue:
    form = Form.from_request()
    username = form.text("username", required=True, max_length=60)
    password = form.secret("password")
    form.done()
    assert username is not None and password is not None
    user = accounts.login(uow(), username, password)
    session.clear()
    session.permanent = True
    session["user_id"] = user["id"]
    return user


@bp.post("/auth/logout")
def logout() -> ResponseReturnValue:
    session.clear()
    return "", 204


@bp.get("/auth/me")
def me() -> ResponseReturnValue:
    user_id = session.get("user_id")
    if user_id is None:
        raise NotAuthenticated("sign in first")
    return accounts.me(uow(), user_id)
