"""Room names: the one place that knows how a subscription maps to a Socket.IO room."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

BOARD = "board"
STAFF = "staff"
TICKET = "ticket"
# Every connection of one signed-in staff session generation, or of one paired device:
# closing such a room disconnects its members (see `managers`).
SESSION = "session"
DEVICE = "device"


def named(kind: str, key: str) -> str:
    """The room of a subscription: its kind (BOARD, STAFF or TICKET) and its site or token."""
    return f"{kind}:{key}"


def board(site_slug: str) -> str:
    return named(BOARD, site_slug)


def staff(site_slug: str) -> str:
    return named(STAFF, site_slug)


def ticket(token: str) -> str:
    return named(TICKET, token)


def session(user_id: int, generation: int) -> str:
    return named(SESSION, f"{user_id}:{generation}")


def device(device_id: int) -> str:
    return named(DEVICE, str(device_id))


def ends_connections(room: object) -> bool:
    """Whether closing the room disconnects its members: a staff session's or a device's."""
    return isinstance(room, str) and room.partition(":")[0] in (SESSION, DEVICE)


def board_site(room: object) -> str | None:
    """The site of a board room, or None for any other room."""
    if not isinstance(room, str) or not room.startswith(f"{BOARD}:"):
        return None
    return room.removeprefix(f"{BOARD}:") or None


@dataclass
class Subscribed:
    """The subscriptions held by this process's clients, grouped for a refresh."""

    sites: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)


def subscribed(room_names: Iterable[object]) -> Subscribed:
    """Sort room names into board/staff sites and ticket tokens; other rooms (each client's
    own) are ignored."""
    found = Subscribed()
    for name in room_names:
        if not isinstance(name, str):
            continue
        kind, _, key = name.partition(":")
        if kind in (BOARD, STAFF) and key:
            found.sites.add(key)
        elif kind == TICKET and key:
            found.tokens.add(key)
    return found
