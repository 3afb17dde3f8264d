"""Committed events become pushes: `called` at once, then one fresh set of snapshots per site."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from flask import Flask

from ..events import ConnectionsEnded, DeviceRevoked, Event, SessionEnded, VisitCalled
from ..extensions import socketio
from ..services import snapshots
from ..services.uow import UnitOfWork
from ..services.views import iso
from . import rooms

log = logging.getLogger(__name__)

SETTLE_POLL_S = 0.05
# Within a burst of changes a site's snapshots are built at most this often, and never more
# often than their last build took (so building never takes more than half the process).
BUILD_GAP_S = 0.1
# After a call, the site's snapshots wait this long: the `called` frames to every screen go
# out, and are read, before the bigger board. Built at once, the board was sent to the first
# screens before the last of a thousand had their `called`, and the build itself ran among
# those sends: the last screen heard its call 80 ms later at the median, and up to 350 ms in
# one round of thirty (scripts/bench_live.py).
CALLED_FIRST_S = 0.15


class LivePublisher:
    """Emits `called` at once; snapshots are built in the background, one site at a time, and
    the changes that land before a site's next build are folded into it. A burst of a hundred
    tickets thus costs a handful of builds, not a hundred, and no request waits for one.

    The board and the staff queue go to every process (through the message queue, when there
    is one). Ticket pushes go only to the tickets this process's own clients follow: each
    process sends its own when it makes a change or hears of another process's (`heard`),
    so a change never costs a push per waiting visit."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._pending: dict[str, bool] = {}  # site slug → whether its views are due too
        self._building: set[str] = set()
        self._last: dict[str, tuple[float, float]] = {}  # slug → (last build's end, its cost)
        self._called: dict[str, float] = {}  # slug → when its last `called` was emitted
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
                self._called[event.site_slug] = time.monotonic()
        for event in events:
            if not isinstance(event, ConnectionsEnded):
                self._mark(event.site_slug, views=True)

    def heard(self, site_slug: str) -> None:
        """Another process changed the site (its board came through the message queue): the
        tickets followed here are told."""
        self._mark(site_slug, views=False)

    def settle(self, timeout_s: float = 10.0) -> None:
        """Wait until every pending build has been sent. For a command-line process, which
        would otherwise exit before its background builds ran (its pushes reach the servers'
        clients through Redis)."""
        waited = 0.0
        while self._building and waited < timeout_s:
            socketio.sleep(SETTLE_POLL_S)
            waited += SETTLE_POLL_S

    def _mark(self, slug: str, *, views: bool) -> None:
        with self._lock:
            self._pending[slug] = self._pending.get(slug, False) or views
            if slug in self._building:
                return
            self._building.add(slug)
        socketio.start_background_task(self._build, slug)

    def _build(self, slug: str) -> None:
        while True:
            socketio.sleep(self._wait(slug))
            with self._lock:
                views = self._pending.pop(slug, None)
                if views is None:
                    self._building.discard(slug)
                    return
            started = time.monotonic()
            try:
                tokens = self._followed(slug)
                if views or tokens:
                    uow = UnitOfWork.for_app(self._app)
                    send(snapshots.live(uow, slug, tokens=tokens, views=views), local_only=False)
            except Exception:
                # The change is committed; the next change or refresh will carry it.
                log.exception("building live snapshots for %s failed", slug)
            ended = time.monotonic()
            self._last[slug] = (ended, ended - started)

    def _followed(self, slug: str) -> set[str]:
        """The tickets this process's clients follow, less those known to be at other sites."""
        sites = self._app.extensions["queue_live"].ticket_sites
        return {t for t in followed_tickets() if sites.get(t, slug) == slug}

    def _wait(self, slug: str) -> float:
        """How long the next build of the site waits: none after a quiet spell (but requests
        already in hand go first, and fold into it), the gap within a burst, and a call's
        head start."""
        last_end, cost = self._last.get(slug, (0.0, 0.0))
        due = max(last_end + max(BUILD_GAP_S, cost), self._called.get(slug, 0.0) + CALLED_FIRST_S)
        return max(0.0, due - time.monotonic())


def followed_tickets() -> set[str]:
    """The ticket tokens this process's clients follow."""
    return rooms.subscribed(socketio.server.manager.rooms.get("/", {})).tokens


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
    """Emit a site's snapshots: the board and the staff queue through the message queue to
    every process, or (`local_only`) to this process's clients alone; tickets always to this
    process's own clients (each process sends its own)."""
    slug = push.site_slug
    if push.board is not None:
        socketio.emit("board", push.board, to=rooms.board(slug), ignore_queue=local_only)
    if push.staff is not None:
        socketio.emit("staff_queue", push.staff, to=rooms.staff(slug), ignore_queue=local_only)
    for token, status in push.tickets.items():
        socketio.emit("ticket", status, to=rooms.ticket(token), ignore_queue=True)
