"""Responses on a kept-alive connection leave at once (no Nagle stall).

gevent's WSGI server writes a response's headers and its body in two `send` calls. With
Nagle's algorithm on, the body waits for the client to acknowledge the headers, and a client
on a kept-alive connection delays that acknowledgement by 40 ms: every request paid it. The
check is structural: it reads TCP_NODELAY from the server's own end of a real kept-alive
connection (pidfd_getfd, Linux 5.6+; a parent may take its child's descriptors)."""

from __future__ import annotations

import ctypes
import http.client
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_nginx import GUNICORN
from tests.support.liveserver import LiveServer, reset_database

pytestmark = pytest.mark.server

SYS_PIDFD_OPEN = 434
SYS_PIDFD_GETFD = 438
REQUESTS = 20


def _process_tree(pid: int) -> list[int]:
    """The process and its descendants (gunicorn's connections live in its worker)."""
    tree = [pid]
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as children:
            for child in children.read().split():
                tree += _process_tree(int(child))
    return tree


def _server_end(pid: int, client: socket.socket) -> socket.socket:
    """The socket of the server process (or its workers) whose peer is `client`, duplicated
    into this process."""
    libc = ctypes.CDLL(None, use_errno=True)
    for owner in _process_tree(pid):
        pidfd = libc.syscall(SYS_PIDFD_OPEN, owner, 0)
        if pidfd < 0:
            pytest.skip(f"pidfd_open refused: {os.strerror(ctypes.get_errno())}")
        try:
            for name in os.listdir(f"/proc/{owner}/fd"):
                if not os.readlink(f"/proc/{owner}/fd/{name}").startswith("socket:"):
                    continue
                fd = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(name), 0)
                if fd < 0:
                    pytest.skip(f"pidfd_getfd refused: {os.strerror(ctypes.get_errno())}")
                candidate = socket.socket(fileno=fd)
                try:
                    if candidate.getpeername() == client.getsockname():
                        return candidate
                except OSError:
                    pass
                candidate.close()
        finally:
            os.close(pidfd)
    raise AssertionError("the server holds no socket connected to this client")


@pytest.fixture(scope="module", params=["serve", "gunicorn"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """`queue-service serve`, and gunicorn as deployed, each on a SQLite file."""
    instance: Path = tmp_path_factory.mktemp(request.param)
    url = f"sqlite:///{instance / 'queue.db'}"
    reset_database(url)
    command = GUNICORN if request.param == "gunicorn" else None
    with LiveServer(url, instance, command=command) as live:
        yield live


def test_kept_alive_connection_has_nagle_off_at_the_server(server: LiveServer) -> None:
    assert server.process is not None
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for _ in range(REQUESTS):
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            assert not response.will_close, "the server did not keep the connection alive"
        assert connection.sock is not None
        with _server_end(server.process.pid, connection.sock) as end:
            assert end.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        connection.close()
