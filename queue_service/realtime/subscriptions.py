"""The Socket.IO handlers: who is connecting, and what they may follow (docs/realtime.md)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app, request, session
from flask_socketio import ConnectionRefusedError, SocketIO, join_room, leave_room, rooms
from sqlalchemy.exc import DBAPIError

from .. import db
from ..api.context import bearer_token, staff_session, uow
from ..api.validation import UNSTORABLE, storable
from ..errors import Invalid, QueueError
from ..rules.permissions import Actor
from ..services import accounts, snapshots, tickets
from . import rooms as room_names
from . import tick
from .packets import MALFORMED
from .state import LiveState

log = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS = 20
MAX_KEY = 200
SHAPES = '{"site": s, "view": "board"}, {"site": s, "view": "staff"} or {"ticket": token}'

Ack = dict[str, Any]


def register(socketio: SocketIO) -> None:
    socketio.on_event("connect", on_connect)
    socketio.on_event("subscribe", on_subscribe)
    socketio.on_event("unsubscribe", on_unsubscribe)
    socketio.on_event("*", on_other)
    socketio.on_error_default(on_error)


def on_connect(auth: object = None) -> None:
    """Anyone may connect; a device proves itself with `auth: {token}` (or a bearer header),
    staff with their session cookie. A bad token is refused outright, not ignored."""
    token = auth.get("token") if isinstance(auth, dict) else None
    try:
        if token is not None and not isinstance(token, str):
            raise Invalid("auth.token must be a string")
        if token is not None:
            _storable("auth.token", token)
        token = token or bearer_token()
        actor = accounts.actor_for(uow(), staff=staff_session(), device_token=token)
    except QueueError as exc:
        raise ConnectionRefusedError(exc.message) from exc
    except DBAPIError as exc:
        if not db.is_unavailable(exc):
            raise
        log.warning("database unavailable at connect: %s", db.fault(exc))
        raise ConnectionRefusedError(db.UNAVAILABLE) from exc
    session["device_token"] = token
    staff = staff_session()
    # Signing out or revoking the device closes this room, on whichever process the
    # connection lives.
    if actor.kind == "user" and staff is not None:
        join_room(room_names.session(staff.user_id, staff.generation))
    elif actor.kind == "device" and actor.id is not None:
        join_room(room_names.device(actor.id))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _state().start_tick_once(lambda: tick.start(app))


def on_subscribe(data: object = None, *extra: object) -> Ack:
    """Join the room for one board, staff view or ticket; the ack carries the full snapshot."""
    try:
        kind, key = _parse(data, extra)
        room = room_names.named(kind, key)
        held = _subscriptions()
        # Renewing a subscription adds nothing.
        if room not in held and len(held) >= MAX_SUBSCRIPTIONS:
            raise Invalid(f"at most {MAX_SUBSCRIPTIONS} subscriptions per connection")
        if kind == room_names.TICKET:
            snapshot = _join(room, lambda: tickets.ticket_status(uow(), key))
            _state().follow_ticket(key, snapshot["site"])
        elif kind == room_names.BOARD:
            # The board this process keeps for the site's version answers (services/memo.py);
            # who is asking matters only for a private board.
            snapshot = _join(room, lambda: snapshots.board(uow(), _actor, key), site=key)
        else:
            actor = _actor()
            snapshot = _join(room, lambda: snapshots.staff_queue(uow(), actor, key), site=key)
    except QueueError as exc:
        return _refusal(exc)
    return {"ok": True, "snapshot": snapshot}


def on_unsubscribe(data: object = None, *extra: object) -> Ack:
    try:
        kind, key = _parse(data, extra)
    except QueueError as exc:
        return _refusal(exc)
    leave_room(room_names.named(kind, key))
    return {"ok": True}


def on_other(event: str, *args: object) -> Ack:
    """Any other event, and a malformed one (`packets.MALFORMED`), is refused as invalid."""
    if event == MALFORMED and len(args) == 1 and isinstance(args[0], str):
        return _refusal(Invalid(args[0]))
    return _refusal(Invalid("unknown event: send subscribe or unsubscribe"))


def on_error(exc: BaseException) -> Ack:
    if db.is_unavailable(exc):
        log.warning("database unavailable: %s", db.fault(exc))
        return {"ok": False, "error": db.UNAVAILABLE, "code": "database_unavailable"}
    log.exception("live handler failed", exc_info=exc)
    return {"ok": False, "error": "internal error", "code": "internal"}


def _join(room: str, build: Callable[[], dict[str, Any]], site: str | None = None) -> Ack:
    """Build the snapshot (which checks permission) before joining, so nobody hears a push
    they may not see; then rebuild if a change landed in between, whose push was missed."""
    snapshot = build()
    join_room(room)
    if snapshots.version(uow(), site or snapshot["site"]) != snapshot["version"]:
        snapshot = build()
    return snapshot


def _parse(data: object, extra: tuple[object, ...] = ()) -> tuple[str, str]:
    if isinstance(data, dict) and not extra:
        if data.keys() == {"ticket"} and _is_key(data["ticket"]):
            return room_names.TICKET, _storable("ticket", data["ticket"])
        views = (room_names.BOARD, room_names.STAFF)
        if data.keys() == {"site", "view"} and data["view"] in views and _is_key(data["site"]):
            return data["view"], _storable("site", data["site"])
    raise Invalid(f"subscribe with {SHAPES}")


def _storable(field: str, value: str) -> str:
    """The value, unless it holds text no database can store (which would fail the lookup)."""
    if not storable(value):
        raise Invalid(f"{field} {UNSTORABLE}", fields={field: UNSTORABLE})
    return value


def _is_key(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_KEY


def _subscriptions() -> list[str]:
    """The rooms the client joined by subscribing: not its own room, nor its session's or
    device's."""
    own = request.sid  # type: ignore[attr-defined]
    return [r for r in rooms() if r != own and not room_names.ends_connections(r)]


def _actor() -> Actor:
    return accounts.actor_for(
        uow(), staff=staff_session(), device_token=session.get("device_token")
    )


def _refusal(exc: QueueError) -> Ack:
    return {"ok": False, "error": exc.message, "code": exc.code}


def _state() -> LiveState:
    state: LiveState = current_app.extensions["queue_live"]
    return state
