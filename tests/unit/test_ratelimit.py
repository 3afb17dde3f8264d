"""Fixed windows on the injected clock, counted in this process."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from queue_service.clock import ManualClock
from queue_service.errors import TooManyRequests
from queue_service.ratelimit import Limit, MemoryCounters, RateLimiter

START = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)  # a multiple of 60 s


def test_a_window_refuses_past_its_count_and_says_when_it_ends() -> None:
    clock = ManualClock(START)
    limiter = RateLimiter(MemoryCounters(), clock)
    limit = Limit("public", 2, 60)
    limiter.hit(limit, "a", "slow down")
    clock.advance(seconds=20)
    limiter.hit(limit, "a", "slow down")
    with pytest.raises(TooManyRequests) as refused:
        limiter.hit(limit, "a", "slow down")
    assert (refused.value.status, refused.value.retry_after_s) == (429, 40)
    limiter.hit(limit, "b", "slow down")
    clock.advance(seconds=40)
    limiter.hit(limit, "a", "slow down")


def test_ended_windows_are_swept_away() -> None:
    counters = MemoryCounters()
    for n in range(MemoryCounters.SWEEP_EVERY - 1):
        counters.add(f"phone-{n}", 0, 60, 1)
    assert counters.add("phone-0", 0, 60, 0) == 1
    # The thousandth addition, in the next window, sweeps the ended one away.
    counters.add("late", 1, 60, 1)
    assert counters.add("late", 1, 60, 0) == 1
    assert counters.add("phone-0", 0, 60, 0) == 0


@pytest.mark.parametrize("text", ["5 per hour", "5/0", "/60", "x/y", ""])
def test_a_bad_limit_setting_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="COUNT/SECONDS"):
        Limit.parse("RATE_LIMIT_PUBLIC", text)


def test_a_limit_of_zero_counts_nothing() -> None:
    limiter = RateLimiter(MemoryCounters(), ManualClock(START))
    off = Limit.parse("public", "0")
    for _ in range(5):
        limiter.hit(off, "a", "never")
