"""Socket.IO client managers in which closing a staff session's or a device's room disconnects
its clients.

Signing out (or revoking a device) must close its live connections, which may be held by any
process.
python-socketio carries `close_room` through the Redis message queue to every process, and
each process then empties the room locally with `basic_close_room`; for a session's or a
device's room (`rooms.ends_connections`) these managers disconnect the room's clients instead
of merely removing them from it, so they leave every room they had joined as well.

When Redis goes away, each process goes on serving its own clients (python-socketio delivers
an emit locally before publishing it), logs the fault once, and listens again every
`REDIS_RETRY_S` so that fan-out resumes soon after Redis returns; the library alone logs two
errors per emit and waits up to a minute between attempts to listen. What other processes'
clients missed meanwhile reaches them with the next change or the slow refresh.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import socketio

from . import rooms

log = logging.getLogger(__name__)

REDIS_RETRY_S = 1.0


class _SessionRoomsDisconnect:
    server: Any

    def basic_close_room(self, room: str, namespace: str) -> None:
        if not rooms.ends_connections(room):
            super().basic_close_room(room, namespace)  # type: ignore[misc]
            return
        participants = list(self.get_participants(namespace, room))  # type: ignore[attr-defined]
        for sid, _eio_sid in participants:
            self.server.disconnect(sid, namespace=namespace, ignore_queue=True)


class LocalManager(_SessionRoomsDisconnect, socketio.Manager):
    """One process on its own."""


class RedisQueueManager(_SessionRoomsDisconnect, socketio.RedisManager):
    """Several processes sharing a Redis channel; see the module's docstring for faults. A
    board that another process sends tells this one that the site changed (`on_board`), so
    that it can push the tickets its own clients follow there: ticket pushes never cross the
    channel."""

    redis: Any
    pubsub: Any
    connected: bool
    channel: str
    on_board: Callable[[str], None] | None = None

    def __init__(self, url: str, channel: str) -> None:
        super().__init__(url, channel=channel)
        self._fault_lock = threading.Lock()
        self._unavailable = False

    def _publish(self, data: Any) -> None:
        # These override python-socketio RedisManager's private methods of the same names.
        try:
            if not self.connected:
                self._redis_connect()
            self.redis.publish(self.channel, self.json.dumps(data))
        except Exception as exc:
            self.connected = False
            self._fault(exc)
            return
        self._recovered()

    def _redis_listen_with_retries(self) -> Iterator[Any]:
        subscribed = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed = True
                    self._recovered()
                yield from self.pubsub.listen()
            except Exception as exc:
                subscribed = False
                self._fault(exc)
                time.sleep(REDIS_RETRY_S)

    def _fault(self, exc: Exception) -> None:
        with self._fault_lock:
            first, self._unavailable = not self._unavailable, True
        if first:
            log.error(
                "Redis unavailable (%s): this process serves its own clients only until it returns",
                str(exc).strip().split("\n", 1)[0],
            )

    def _recovered(self) -> None:
        with self._fault_lock:
            was, self._unavailable = self._unavailable, False
        if was:
            log.warning("Redis reachable again: pushes reach every process")

    def _handle_emit(self, message: dict[str, Any]) -> None:
        super()._handle_emit(message)  # type: ignore[misc]
        if message.get("host_id") == self.host_id or message.get("event") != "board":
            return
        site = rooms.board_site(message.get("room"))
        if site is not None and self.on_board is not None:
            self.on_board(site)


def for_config(redis_url: str | None, channel: str) -> socketio.Manager:
    """The manager for this process: through Redis when a URL is given."""
    if redis_url:
        return RedisQueueManager(redis_url, channel=channel)
    return LocalManager()
