"""How `queue-service serve` runs gevent's WSGI server."""

from __future__ import annotations

import gc
import socket

from gevent import pywsgi

# Connections the kernel holds for the server before it accepts them (gunicorn's default).
# gevent's own 128 overflowed when a thousand screens came back after a restart: the kernel
# dropped the excess, whose clients tried again only after TCP's 1, 3, 7 s retransmission
# timeouts (scripts/bench_reconnect.py; /proc/net/netstat ListenOverflows).
BACKLOG = 2048


class NoDelayHandler(pywsgi.WSGIHandler):
    """Turns Nagle's algorithm off on each accepted connection before serving it.

    gevent writes a response's headers and its body in two sends. With Nagle on, the body
    waits until the client acknowledges the headers, and a client on a kept-alive connection
    delays that acknowledgement by 40 ms, so every request after the first paid 40 ms.
    (gunicorn sets TCP_NODELAY on its listening socket, which accepted ones inherit.)"""

    def handle(self) -> None:
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().handle()


def freeze_start_up() -> None:
    """Set what start-up made (modules, the app, the ORM's mappings: some 50,000 objects that
    live as long as the process) apart from the garbage collector, whose full collections
    would otherwise scan it again every time, while the server's clients wait."""
    gc.collect()
    gc.freeze()
