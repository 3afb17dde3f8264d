"""Committed events become pushes: `called` at once, then one fresh set of snapshots per site."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from flask import Flask

from ..events import Event, VisitCalled, VisitChanged
from ..extensions import socketio
from ..services import snapshots
from ..services.uow import UnitOfWork
from ..services.views import iso
from . import rooms

log = logging.getLogger(__name__)


class LivePublisher:
    def __init__(self, app: Flask) -> None:
        self._app = app

    def publish(self, events: Sequence[Event]) -> None:
        changed: dict[str, set[str]] = {}
        calls = [e for e in events if isinstance(e, VisitCalled)]
        for call in calls:
            socketio.emit("called", called_payload(call), to=rooms.board(call.site_slug))
        if calls:
            # The announcement is what people wait for: let the sockets' writers send it now,
            # before this greenlet builds snapshots (SQLite work never yields under gevent).
            socketio.sleep(0)
        for event in events:
            if isinstance(event, VisitChanged):
                changed.setdefault(event.site_slug, set()).add(event.token)
            elif not isinstance(event, VisitCalled):
                changed.setdefault(event.site_slug, set())
        for slug, tokens in changed.items():
            uow = UnitOfWork.for_app(self._app)
            send(snapshots.live(uow, slug, tokens=tokens, every_active=True), local_only=False)


def called_payload(event: VisitCalled) -> dict[str, Any]:
    return {
        "number": event.number,
        "desk": event.desk,
        "service": event.service,
        "at": iso(event.at),
        "text": f"Ticket {event.number}, please go to {event.desk}",
    }


def send(push: snapshots.LivePush, *, local_only: bool) -> None:
    """Emit a site's snapshots to its rooms: through the message queue to every process, or
    (`local_only`) to this process's clients alone."""
    slug = push.site_slug
    socketio.emit("board", push.board, to=rooms.board(slug), ignore_queue=local_only)
    socketio.emit("staff_queue", push.staff, to=rooms.staff(slug), ignore_queue=local_only)
    for token, status in push.tickets.items():
        socketio.emit("ticket", status, to=rooms.ticket(token), ignore_queue=local_only)
