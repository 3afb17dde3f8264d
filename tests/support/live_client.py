"""A real Socket.IO client (python-socketio, over WebSocket unless told otherwise) that records
what it is pushed and subscribes again after every reconnection, as the browser module does."""

from __future__ import annotations

import functools
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import requests
import socketio

WAIT = 15.0


class LiveClient:
    def __init__(
        self,
        url: str,
        *,
        http: requests.Session | None = None,
        token: str | None = None,
        transports: Sequence[str] = ("websocket",),
    ):
        self.url = url
        self.transports = list(transports)
        self.headers = {}
        if http is not None:
            self.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        self.auth = {"token": token} if token else None
        self.sio = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=1)
        self.pushes: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.subscriptions: list[dict[str, Any]] = []
        self.connects = 0
        self._lock = threading.Lock()
        self.sio.on("*", self._record)
        self.sio.on("connect", self._on_connect)
        self.sio.on("connect_error", lambda data: self.pushes.put(("connect_error", data)))
        self.sio.on("disconnect", lambda *reason: self.pushes.put(("disconnect", reason)))

    def __enter__(self) -> LiveClient:
        self.sio.connect(
            self.url,
            headers=self.headers,
            auth=self.auth,
            transports=self.transports,
            wait_timeout=WAIT,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        # websocket-client's close() waits up to 3 s for the server's close frame, which the
        # client's own reader thread has usually taken already: a race in the client library
        # that a browser does not have, and that would add 3 s to every test.
        ws = getattr(self.sio.eio, "ws", None)
        if ws is not None:
            ws.close = functools.partial(ws.close, timeout=0.1)
        self.sio.disconnect()

    def same_credentials(self) -> LiveClient:
        """Another client with this one's cookie or token (say, a copy kept after sign-out)."""
        other = LiveClient(self.url, transports=self.transports)
        other.headers, other.auth = dict(self.headers), self.auth
        return other

    def subscribe(self, payload: dict[str, Any]) -> dict[str, Any]:
        ack: dict[str, Any] = self.sio.call("subscribe", payload, timeout=WAIT)
        if ack.get("ok"):
            self.subscriptions.append(payload)
        return ack

    def next(
        self, event: str, where: Callable[[Any], bool] = lambda _: True, timeout: float = WAIT
    ) -> Any:
        """The next push of `event` that satisfies `where`; earlier pushes are dropped."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                name, data = self.pushes.get(timeout=left)
            except queue.Empty:
                break
            if name == event and where(data):
                return data
        raise AssertionError(f"no {event!r} push matching the test within {timeout} s")

    def drain(self, seconds: float) -> list[tuple[str, Any]]:
        """Everything pushed during the next `seconds`."""
        time.sleep(seconds)
        got = []
        while not self.pushes.empty():
            got.append(self.pushes.get_nowait())
        return got

    def _record(self, event: str, data: Any = None) -> None:
        self.pushes.put((event, data))

    def _on_connect(self) -> None:
        with self._lock:
            self.connects += 1
            again = list(self.subscriptions) if self.connects > 1 else []
        for payload in again:
            self.sio.emit("subscribe", payload, callback=self._resubscribed)

    def _resubscribed(self, ack: dict[str, Any]) -> None:
        self.pushes.put(("resubscribed", ack))
