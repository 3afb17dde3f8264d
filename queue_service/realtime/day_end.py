"""Ending each site's day on time in a serving process, so that the screens empty at midnight
(or at the automatic close) without waiting for somebody to write; and the daily housekeeping.

At start-up it closes whatever an ended day left (the server may have been down at midnight),
then one background task sleeps until the soonest day-end of any site, closes it, and sleeps
again. Every process may run it: the closing takes the site lock and a second pass finds
nothing left to close.

The same task runs the housekeeping (services/retention.py) when it starts and then once a
day: it wakes at least every DAY_END_CHECK_S anyway, so a second scheduler would only add a
second loop to keep alive. Several processes purging is safe for the same reason as closing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import Flask

from ..extensions import socketio
from ..services import closing, retention
from ..services.uow import UnitOfWork

log = logging.getLogger(__name__)

# Wake a little after the day-end itself, so that the clock has surely passed it.
MARGIN_S = 0.5
HOUSEKEEPING_EVERY = timedelta(days=1)


def start(app: Flask) -> None:
    """Close what ended days left, then keep closing each day as it ends (once per app)."""
    if app.extensions.get("queue_day_end_started"):
        return
    app.extensions["queue_day_end_started"] = True
    closing.close_due(UnitOfWork.for_app(app))
    socketio.start_background_task(_loop, app)


class Housekeeping:
    """The daily purge of one process: due at once, then a day after each run."""

    def __init__(self, uow: UnitOfWork, retention_days: int) -> None:
        self._uow = uow
        self._retention_days = retention_days
        self._next: datetime | None = None

    def run_if_due(self) -> None:
        """Purge if a day has passed since this process last did; a failure is logged and
        tried again a day later (nothing is lost by waiting: the data only gets older)."""
        now = self._uow.now()
        if self._next is not None and now < self._next:
            return
        self._next = now + HOUSEKEEPING_EVERY
        try:
            done = retention.purge(self._uow, self._retention_days)
        except Exception:
            log.exception("the retention purge failed")
            return
        for site in done.sites:
            log.info(
                "purge at %s: %d visits, %d appointments, %d log entries before %s",
                site.site,
                site.visits,
                site.appointments,
                site.log_entries,
                site.first_day_kept,
            )
        log.info("purge: %d idempotency records", done.idempotency_records)


def _loop(app: Flask) -> None:
    uow = UnitOfWork.for_app(app)
    housekeeping = Housekeeping(uow, app.config["RETENTION_DAYS"])
    # A ceiling on each sleep, so that sites and hours loaded meanwhile are noticed.
    longest = float(app.config.get("DAY_END_CHECK_S", 300))
    while True:
        housekeeping.run_if_due()
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
