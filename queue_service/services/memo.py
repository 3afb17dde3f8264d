"""What a process remembers between requests to spare the hot path: each site's latest
forecast and situation (what the estimator was told), by site version, its learned
service times, and the day it last found nothing left from an ended day.

A forecast is remembered only for a committed version, and a version is committed once per
site (writers are serialised on the site row), so a forecast found under the site's current
version describes exactly the queue in the database. It ages with the clock: waits shrink by
the time passed, and after `FORECAST_FRESH_S` it is worked out again. Service times change
only when visits finish, so they are kept for `TIMES_FRESH_S` per site and local hour, and
dropped at once when this process completes or transfers a visit there."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..rules.estimate import Estimate, Forecast, Situation
from ..rules.service_times import ServiceTime

FORECAST_FRESH_S = 15.0
TIMES_FRESH_S = 300.0
# The public board of a version is built once (by the push after the change) and served to
# every GET for a few seconds; it says when it was generated.
BOARD_FRESH_S = 5.0


@dataclass(frozen=True)
class _Remembered:
    version: int
    at: datetime
    forecast: Forecast | None
    situation: Situation | None


class Memo:
    """Per-process memory of forecasts and service times, keyed by site id."""

    def __init__(self) -> None:
        self._forecasts: dict[int, _Remembered] = {}
        self._times: dict[int, tuple[datetime, int, dict[int, ServiceTime]]] = {}
        self._boards: dict[int, tuple[int, datetime, dict[str, Any]]] = {}
        self._swept: dict[int, datetime] = {}
        self._lock = threading.Lock()

    def forecast(self, site_id: int, version: int, now: datetime) -> Forecast | None:
        """The site's forecast at `version`, aged to `now`, if one is remembered and fresh."""
        kept = self._fresh(site_id, version, now)
        if kept is None or kept.forecast is None:
            return None
        age = (now - kept.at).total_seconds()
        if age == 0:
            return kept.forecast
        return Forecast(
            order=[(c, _aged(e, age)) for c, e in kept.forecast.order],
            newcomer={s: _aged(e, age) for s, e in kept.forecast.newcomer.items()},
        )

    def newcomer(
        self, site_id: int, version: int, now: datetime, service_id: int
    ) -> tuple[Estimate | None, int] | None:
        """What the forecast at `version` tells a walk-in for the service (aged to `now`), and
        how many wait for it already; None unless that forecast is remembered and fresh. (An
        arrival needs only this: `forecast` would age every waiting visit's estimate.)"""
        kept = self._fresh(site_id, version, now)
        if kept is None or kept.forecast is None:
            return None
        ahead = sum(1 for c, _ in kept.forecast.order if c.service_id == service_id)
        age = (now - kept.at).total_seconds()
        return _aged(kept.forecast.newcomer.get(service_id), age), ahead

    def situation(self, site_id: int, version: int, now: datetime) -> Situation | None:
        """What the estimator was told about the site at `version`, if remembered and fresh."""
        kept = self._fresh(site_id, version, now)
        return None if kept is None else kept.situation

    def keep_forecast(
        self,
        site_id: int,
        version: int,
        at: datetime,
        forecast: Forecast | None,
        situation: Situation | None = None,
    ) -> None:
        """Remember the forecast of a committed version (or only its situation, from which
        the next one is worked out without loading the queue)."""
        with self._lock:
            kept = self._forecasts.get(site_id)
            if kept is None or (kept.version, kept.at) <= (version, at):
                self._forecasts[site_id] = _Remembered(version, at, forecast, situation)

    def _fresh(self, site_id: int, version: int, now: datetime) -> _Remembered | None:
        with self._lock:
            kept = self._forecasts.get(site_id)
        if kept is None or kept.version != version:
            return None
        return kept if 0 <= (now - kept.at).total_seconds() <= FORECAST_FRESH_S else None

    def board(self, site_id: int, version: int, now: datetime) -> dict[str, Any] | None:
        """The public board built for `version`, if built in the last few seconds."""
        with self._lock:
            kept = self._boards.get(site_id)
        if kept is None or kept[0] != version:
            return None
        return kept[2] if 0 <= (now - kept[1]).total_seconds() <= BOARD_FRESH_S else None

    def keep_board(self, site_id: int, version: int, at: datetime, board: dict[str, Any]) -> None:
        """Remember a committed version's public board (never changed after this)."""
        with self._lock:
            self._boards[site_id] = (version, at, board)

    def swept(self, site_id: int) -> datetime | None:
        """The start of the site's day at the last look that found no visit left waiting or
        called from an ended day."""
        return self._swept.get(site_id)

    def keep_swept(self, site_id: int, day_began: datetime) -> None:
        self._swept[site_id] = day_began

    def forget_swept(self, site_id: int) -> None:
        """Look again at the next write: leftovers were found that the last look missed."""
        self._swept.pop(site_id, None)

    def times(self, site_id: int, hour: int, now: datetime) -> dict[int, ServiceTime] | None:
        """The site's service times for local `hour`, if remembered recently."""
        with self._lock:
            kept = self._times.get(site_id)
        if kept is None or kept[1] != hour:
            return None
        age = (now - kept[0]).total_seconds()
        return kept[2] if 0 <= age <= TIMES_FRESH_S else None

    def keep_times(
        self, site_id: int, hour: int, now: datetime, times: dict[int, ServiceTime]
    ) -> None:
        with self._lock:
            self._times[site_id] = (now, hour, times)

    def forget_times(self, site_id: int) -> None:
        """A visit finished at the site: its service times are learned afresh."""
        with self._lock:
            self._times.pop(site_id, None)


def _aged(estimate: Estimate | None, age_s: float) -> Estimate | None:
    if estimate is None:
        return None
    if age_s == 0:
        return estimate
    return Estimate(
        wait_s=max(round(estimate.wait_s - age_s), 0),
        low_s=max(round(estimate.low_s - age_s), 0),
        high_s=max(round(estimate.high_s - age_s), 0),
    )
