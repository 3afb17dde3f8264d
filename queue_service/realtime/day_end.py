"""Ending each site's day on time in a serving process, so that the screens empty at midnight
(or at the automatic close) without waiting for somebody to write.

At start-up it closes whatever an ended day left (the server may have been down at midnight),
then one background task sleeps until the soonest day-end of any site, closes it, and sleeps
again. Every process may run it: the closing takes the site lock and a second pass finds
nothing left to close.
"""

from __future__ import annotations

import logging

from flask import Flask

from ..extensions import socketio
from ..services import closing
from ..services.uow import UnitOfWork

log = logging.getLogger(__name__)

# Wake a little after the day-end itself, so that the clock has surely passed it.
MARGIN_S = 0.5


def start(app: Flask) -> None:
    """Close what ended days left, then keep closing each day as it ends (once per app)."""
    if app.extensions.get("queue_day_end_started"):
        return
    app.extensions["queue_day_end_started"] = True
    closing.close_due(UnitOfWork.for_app(app))
    socketio.start_background_task(_loop, app)


def _loop(app: Flask) -> None:
    uow = UnitOfWork.for_app(app)
    # A ceiling on each sleep, so that sites and hours loaded meanwhile are noticed.
    longest = float(app.config.get("DAY_END_CHECK_S", 300))
    while True:
        socketio.sleep(_seconds_to_next_day_end(uow, longest))
        try:
            closing.close_due(uow)
        except Exception:
            # The next wake-up, or the next write at the site, closes it instead.
            log.exception("closing ended days failed")


def _seconds_to_next_day_end(uow: UnitOfWork, longest: float) -> float:
    try:
        soonest = closing.next_day_end(uow)
    except Exception:
        log.exception("finding the next day-end failed")
        return longest
    if soonest is None:
        return longest
    seconds = (soonest - uow.now()).total_seconds() + MARGIN_S
    return min(max(seconds, MARGIN_S), longest)
