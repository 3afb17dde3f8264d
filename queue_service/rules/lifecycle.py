"""Which visit transitions are legal from which status (DESIGN §4)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    LEFT = "left"
    # Still waiting or called when the site's day ended: "unserved at close" in reports.
    CLOSED = "closed"


class Action(StrEnum):
    ARRIVE = "arrive"
    GREET = "greet"
    CALL = "call"
    RECALL = "recall"
    START = "start"
    COMPLETE = "complete"
    NO_SHOW = "no-show"
    TRANSFER = "transfer"
    CANCEL = "cancel"
    TRIAGE = "triage"  # notes, needs or priority changed; the status stays
    CLOSE = "close"  # the day ended (or reception closed it) before the visit was served


ACTIVE = frozenset({Status.WAITING, Status.CALLED, Status.SERVING})
ENDED = frozenset({Status.DONE, Status.NO_SHOW, Status.CANCELLED, Status.LEFT, Status.CLOSED})

# action -> statuses it may be taken from. Greeting leaves the status alone.
ALLOWED_FROM: dict[Action, frozenset[Status]] = {
    Action.GREET: frozenset({Status.WAITING, Status.CALLED}),
    Action.CALL: frozenset({Status.WAITING}),
    Action.RECALL: frozenset({Status.CALLED}),
    Action.START: frozenset({Status.CALLED}),
    Action.COMPLETE: frozenset({Status.SERVING}),
    Action.NO_SHOW: frozenset({Status.CALLED}),
    Action.TRANSFER: frozenset({Status.WAITING, Status.CALLED, Status.SERVING}),
    Action.CANCEL: frozenset({Status.WAITING, Status.CALLED}),
    Action.TRIAGE: frozenset({Status.WAITING, Status.CALLED, Status.SERVING}),
    # A visit being served is left to finish, even after midnight.
    Action.CLOSE: frozenset({Status.WAITING, Status.CALLED}),
}


def refusal(action: Action, status: Status, *, already_greeted: bool = False) -> str | None:
    """Why `action` may not be taken on a visit in `status`, or None when it may."""
    if status not in ALLOWED_FROM[action]:
        return f"cannot {action} a visit that is {status}"
    if action is Action.GREET and already_greeted:
        return "the visit has already been greeted"
    return None
