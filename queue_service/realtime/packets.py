"""Socket.IO packets whose malformed events still reach a handler, so they can be refused.

python-socketio decodes an event packet before any handler sees it. Text that is not JSON,
JSON nested deeper than the decoder's recursion limit, or an event that is not
`[name, ...args]` with a string name raises inside the library: the client never gets an
acknowledgement and the server logs a traceback for each one, which anybody can send at will.
A client could also send an event named `connect` or `disconnect`, which the library would
hand to those handlers as if the connection had opened or closed. Decoded here, each of these
becomes the event `MALFORMED` with a reason, which `subscriptions.on_other` refuses with the
usual `{"ok": false, "code": "invalid"}`, acknowledged when the client asked for it.
"""

from __future__ import annotations

from typing import Any

from socketio import packet

MALFORMED = "\x00malformed"
# Names the server never accepts from a client: the library's own and the catch-all.
RESERVED = frozenset({"connect", "disconnect", "connect_error", "*", MALFORMED})
EVENTS = (packet.EVENT, packet.BINARY_EVENT)


class CheckedPacket(packet.Packet):  # type: ignore[misc]
    """The library's packet, except that a malformed event decodes as `MALFORMED`."""

    packet_type: int
    data: Any

    def decode(self, encoded_packet: Any) -> int:
        try:
            attachments: int = super().decode(encoded_packet) or 0
        except (ValueError, RecursionError):
            # The type and the acknowledgement id come before the JSON, so they are known.
            if self.packet_type not in EVENTS:
                raise
            self.packet_type = packet.EVENT
            self.data = [MALFORMED, "the message is not valid JSON, or is nested too deep"]
            return 0
        if self.packet_type in EVENTS and not _well_formed(self.data):
            self.data = [MALFORMED, "an event is a name (text) followed by its arguments"]
        return attachments

    def add_attachment(self, attachment: Any) -> bool:
        try:
            done: bool = super().add_attachment(attachment)
        except RecursionError:
            self.data = [MALFORMED, "the message is nested too deep"]
            return True
        return done


def _well_formed(data: object) -> bool:
    return (
        isinstance(data, list)
        and len(data) > 0
        and isinstance(data[0], str)
        and data[0] not in RESERVED
    )
