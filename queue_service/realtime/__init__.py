"""Live updates over Socket.IO (DESIGN §7): subscriptions, pushes after commit, a slow refresh.

Several processes share one Redis channel when `REDIS_URL` is set: the board and staff pushes
emitted by the process that handled a change reach the clients of every process, and each
process pushes the tickets its own clients follow. The slow refresh only
goes to this process's own clients, so running more processes never multiplies it.
"""

from __future__ import annotations

from flask import Flask

from ..extensions import socketio
from . import managers, subscriptions
from .packets import CheckedPacket
from .publisher import LivePublisher
from .state import LiveState

# Subscriptions and acknowledgements are tiny; nothing a client sends needs more.
MAX_CLIENT_MESSAGE = 16 * 1024

__all__ = ["LivePublisher", "init_app"]


def init_app(app: Flask) -> None:
    """Bind Socket.IO to the app (through Redis when configured) and register the handlers."""
    manager = managers.for_config(
        app.config.get("REDIS_URL"), app.config.get("REDIS_CHANNEL", "onestop-queue")
    )
    publisher = app.extensions["queue_publisher"]
    if isinstance(manager, managers.RedisQueueManager) and isinstance(publisher, LivePublisher):
        manager.on_board = publisher.heard
    socketio.init_app(
        app,
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE", "gevent"),
        client_manager=manager,
        max_http_buffer_size=MAX_CLIENT_MESSAGE,
        serializer=CheckedPacket,
    )
    app.extensions["queue_live"] = LiveState(tick_s=app.config.get("LIVE_TICK_S", 30))
    subscriptions.register(socketio)
