"""Committed events become pushes: `called` at once, then one fresh set of snapshots per site."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from flask import Flask

from ..events import ConnectionsEnded, DeviceRevoked, Event, SessionEnded, VisitCalled, VisitChanged
from ..extensions import socketio
from ..services import snapshots
from ..services.uow import UnitOfWork
from ..services.views import iso
from . import rooms

log = logging.getLogger(__name__)

SETTLE_POLL_S = 0.05


class LivePublisher:
    """Emits `called` at once; snapshots are built in the background, one site at a time, and
    changes that land while a site's snapshots are being built are folded into the next build.
    A burst of twenty tickets thus costs a couple of builds, not twenty, and no request waits
    for one."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._pending: dict[str, set[str]] = {}  # site slug → tokens of visits that changed
        self._building: set[str] = set()
        self._lock = threading.Lock()

    def publish(self, events: Sequence[Event]) -> None:
        for event in events:
            if isinstance(event, SessionEnded):
                # Through the message queue: every process disconnects that session's clients.
                socketio.close_room(rooms.session(event.user_id, event.generation))
            elif isinstance(event, DeviceRevoked):
                socketio.close_room(rooms.device(event.device_id))
            elif isinstance(event, VisitCalled):
                socketio.emit("called", called_payload(event), to=rooms.board(event.site_slug))
        for event in events:
            if not isinstance(event, ConnectionsEnded):
                tokens = {event.token} if isinstance(event, VisitChanged) else set()
                self._mark(event.site_slug, tokens)

    def settle(self, timeout_s: float = 10.0) -> None:
        """Wait until every pending build has been sent. For a command-line process, which
        would otherwise exit before its background builds ran (its pushes reach the servers'
        clients through Redis)."""
        waited = 0.0
        while self._building and waited < timeout_s:
            socketio.sleep(SETTLE_POLL_S)
            waited += SETTLE_POLL_S

    def _mark(self, slug: str, tokens: set[str]) -> None:
        with self._lock:
            self._pending.setdefault(slug, set()).update(tokens)
            if slug in self._building:
                return
            self._building.add(slug)
        socketio.start_background_task(self._build, slug)

    def _build(self, slug: str) -> None:
        while True:
            with self._lock:
                tokens = self._pending.pop(slug, None)
                if tokens is None:
                    self._building.discard(slug)
                    return
            try:
                uow = UnitOfWork.for_app(self._app)
                send(snapshots.live(uow, slug, tokens=tokens, every_active=True), local_only=False)
            except Exception:
                # The change is committed; the next change or refresh will carry it.
                log.exception("building live snapshots for %s failed", slug)


def called_payload(event: VisitCalled) -> dict[str, Any]:
    return {
        "site": event.site_slug,
        "number": event.number,
        "desk": event.desk,
        "service": event.service,
        "at": iso(event.at),
        "language": event.language,
        "recall": event.recall,
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
