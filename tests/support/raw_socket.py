"""A Socket.IO connection spoken by hand over one WebSocket (Engine.IO 4), for sending what no
well-behaved client library would: broken JSON, nesting deeper than an encoder allows, event
packets of the wrong shape."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import websocket

WAIT = 15.0


class RawSocketIO:
    """Connected to the default namespace as nobody; `call` sends one event packet by hand and
    returns the acknowledgement's arguments."""

    def __init__(self, url: str) -> None:
        host = urlsplit(url).netloc
        self.ws = websocket.create_connection(
            f"ws://{host}/socket.io/?EIO=4&transport=websocket", timeout=WAIT
        )
        self._next_id = 0
        self.pushes: list[str] = []
        assert self.ws.recv().startswith("0"), "Engine.IO open packet"
        self.ws.send("40")
        assert self._receive().startswith("0"), "Socket.IO connect acknowledgement"

    def __enter__(self) -> RawSocketIO:
        return self

    def __exit__(self, *exc: object) -> None:
        self.ws.close(timeout=0.1)
        # close() leaves the socket open when the server closed the connection first.
        self.ws.shutdown()

    def call(self, body: str) -> list[Any]:
        """Send `2<id><body>` (an event packet asking for an acknowledgement) and wait for the
        acknowledgement with that id; `body` goes out exactly as given."""
        self._next_id += 1
        ack_id = str(self._next_id)
        self.ws.send(f"42{ack_id}{body}")
        while True:
            packet = self._receive()
            if packet.startswith("3" + ack_id) and packet[1 + len(ack_id)] == "[":
                arguments: list[Any] = json.loads(packet[1 + len(ack_id) :])
                return arguments
            self.pushes.append(packet)

    def _receive(self) -> str:
        """The next Socket.IO packet (the Engine.IO `4` stripped), answering pings on the way."""
        while True:
            try:
                message = self.ws.recv()
            except websocket.WebSocketConnectionClosedException as exc:
                raise ConnectionError("the server closed the connection") from exc
            if not message or message.startswith("1"):
                raise ConnectionError("the server closed the connection")
            if message == "2":
                self.ws.send("3")
            elif message.startswith("4"):
                return message[1:]
