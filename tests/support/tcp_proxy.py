"""A TCP forwarder that a test can cut and restore: the server under test reaches its
database through it, so the database can become unreachable (connections dropped, new ones
refused) and come back on the same address, without touching the database server itself."""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.support.liveserver import free_port

ACCEPT_POLL_S = 0.1


class TcpProxy:
    """Listens on 127.0.0.1:`port` and forwards each connection to `host`:`target_port`."""

    def __init__(self, host: str, target_port: int) -> None:
        self.target = (host, target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._listening = threading.Event()

    def __enter__(self) -> TcpProxy:
        self.restore()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cut()

    def restore(self) -> None:
        """Listen again (on the same port); new connections are forwarded."""
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(ACCEPT_POLL_S)
        self._listening.set()
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def cut(self) -> None:
        """Stop listening and drop every forwarded connection: the database is unreachable."""
        self._listening.clear()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            connections, self._connections = self._connections, set()
        for connection in connections:
            _close(connection)

    def _accept(self, listener: socket.socket) -> None:
        while self._listening.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._connections.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        with contextlib.suppress(OSError):  # either side closed
            while data := source.recv(65536):
                sink.sendall(data)
    finally:
        _close(source)
        _close(sink)


def _close(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the other end
        connection.shutdown(socket.SHUT_RDWR)
    connection.close()
