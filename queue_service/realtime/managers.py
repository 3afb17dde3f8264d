"""Socket.IO client managers in which closing a staff session's or a device's room disconnects
its clients.

Signing out (or revoking a device) must close its live connections, which may be held by any
process.
python-socketio carries `close_room` through the Redis message queue to every process, and
each process then empties the room locally with `basic_close_room`; for a session's or a
device's room (`rooms.ends_connections`) these managers disconnect the room's clients instead
of merely removing them from it, so they leave every room they had joined as well.
"""

from __future__ import annotations

from typing import Any

import socketio

from . import rooms


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
    """Several processes sharing a Redis channel."""


def for_config(redis_url: str | None, channel: str) -> socketio.Manager:
    """The manager for this process: through Redis when a URL is given."""
    if redis_url:
        return RedisQueueManager(redis_url, channel=channel)
    return LocalManager()
