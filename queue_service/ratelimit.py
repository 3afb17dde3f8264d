"""Counting requests in fixed windows of the injected clock, in this process or in Redis.

A limit is `count` hits per `window_s` seconds; a window is numbered from the clock
(`floor(now / window_s)`), so a test moving a `ManualClock` opens the next window exactly as
real time would, in memory and in Redis alike (Redis's own expiry only clears old keys away).
Flask-Limiter was not used because its storage (the `limits` library) reads the wall clock
itself. Fixed windows let a burst of up to twice a limit through around a window's edge; for
sign-in lockout and flood protection that is enough, and each check is one round trip.

When Redis does not answer, requests are let through (and the fault is logged once): a
limit must not take the shop down with it.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from .clock import Clock
from .errors import TooManyRequests

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)


# The limits the API counts (api/limits.py) and their defaults, as COUNT/SECONDS.
DEFAULT_LIMITS = {
    "login_account": "5/900",
    "login_address": "20/900",
    "public": "600/60",
    "kiosk": "30/60",
}


@dataclass(frozen=True)
class Limit:
    """At most `count` hits per `window_s` seconds; a count of 0 turns the limit off."""

    name: str
    count: int
    window_s: int

    @classmethod
    def parse(cls, name: str, text: str) -> Limit:
        """`"COUNT/SECONDS"` (say `"5/900"`), or `"0"` for no limit."""
        count, _, window = text.partition("/")
        if text.strip() == "0":
            return cls(name, 0, 1)
        if not (count.isdigit() and window.isdigit() and int(window) > 0):
            raise ValueError(f"{name} must be COUNT/SECONDS (say 5/900) or 0, not {text!r}")
        return cls(name, int(count), int(window))


class Counters(Protocol):
    def add(self, key: str, window: int, ttl_s: int, amount: int) -> int:
        """Add `amount` (0 only reads) to the key's count in that window; the new count."""
        ...

    def clear(self, key: str, window: int) -> None:
        """Forget the key's count in that window."""
        ...


class MemoryCounters:
    """Counts kept by this process: right for one process on its own."""

    # Every so many additions, keys whose window has ended are dropped, so that the addresses
    # of a day's phones do not pile up.
    SWEEP_EVERY = 1000

    def __init__(self) -> None:
        # key → (window, count, the window's end in clock seconds)
        self._counts: dict[str, tuple[int, int, int]] = {}
        self._additions = 0
        self._lock = threading.Lock()

    def add(self, key: str, window: int, ttl_s: int, amount: int) -> int:
        with self._lock:
            held, count, _ = self._counts.get(key, (window, 0, 0))
            count = count + amount if held == window else amount
            if amount:
                self._counts[key] = (window, count, (window + 1) * ttl_s)
                self._additions += 1
                if self._additions % self.SWEEP_EVERY == 0:
                    self._sweep(window * ttl_s)
            return count

    def clear(self, key: str, window: int) -> None:
        with self._lock:
            if self._counts.get(key, (None,))[0] == window:
                del self._counts[key]

    def _sweep(self, now: int) -> None:
        self._counts = {k: v for k, v in self._counts.items() if v[2] > now}


class RedisCounters:
    """Counts shared by every process through Redis (`REDIS_URL`)."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._redis = client
        self._prefix = prefix
        self._failing = False

    def add(self, key: str, window: int, ttl_s: int, amount: int) -> int:
        import redis

        name = f"{self._prefix}:{key}:{window}"
        try:
            if not amount:
                value = self._redis.get(name)
                count = int(value) if value is not None else 0  # type: ignore[arg-type]
            else:
                pipe = self._redis.pipeline()
                pipe.incrby(name, amount)
                pipe.expire(name, ttl_s)
                count = int(pipe.execute()[0])
        except redis.RedisError as exc:
            if not self._failing:
                log.warning("rate limits are off while Redis does not answer: %s", exc)
            self._failing = True
            return 0
        if self._failing:
            log.warning("Redis answers again: rate limits are back on")
        self._failing = False
        return count

    def clear(self, key: str, window: int) -> None:
        import redis

        try:
            self._redis.delete(f"{self._prefix}:{key}:{window}")
        except redis.RedisError:
            self._failing = True


class RateLimiter:
    """Checks and counts hits against limits, in windows of the injected clock."""

    def __init__(self, counters: Counters, clock: Clock) -> None:
        self.counters = counters
        self.clock = clock

    def hit(self, limit: Limit, who: str, message: str, *, code: str | None = None) -> None:
        """Count one hit; refuse it (429) if it goes over the limit."""
        if not limit.count:
            return
        now, window = self._window(limit)
        if self._add(limit, who, window, 1) > limit.count:
            raise TooManyRequests(message, self._retry_after(limit, now, window), code=code)

    def check(self, limit: Limit, who: str, message: str, *, code: str | None = None) -> None:
        """Refuse (429) if the limit is already used up, without counting."""
        if not limit.count:
            return
        now, window = self._window(limit)
        if self._add(limit, who, window, 0) >= limit.count:
            raise TooManyRequests(message, self._retry_after(limit, now, window), code=code)

    def count(self, limit: Limit, who: str) -> None:
        """Count one hit without refusing it (a failed sign-in, say)."""
        if limit.count:
            self._add(limit, who, self._window(limit)[1], 1)

    def reset(self, limit: Limit, who: str) -> None:
        """Forget the hits of the current window."""
        if limit.count:
            self.counters.clear(f"{limit.name}:{who}", self._window(limit)[1])

    def _add(self, limit: Limit, who: str, window: int, amount: int) -> int:
        return self.counters.add(f"{limit.name}:{who}", window, limit.window_s, amount)

    def _window(self, limit: Limit) -> tuple[float, int]:
        now = self.clock.now().timestamp()
        return now, math.floor(now / limit.window_s)

    @staticmethod
    def _retry_after(limit: Limit, now: float, window: int) -> int:
        return max(1, math.ceil((window + 1) * limit.window_s - now))
