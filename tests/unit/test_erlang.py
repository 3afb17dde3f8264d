"""Erlang C, the staffing planner's first cut."""

from __future__ import annotations

import pytest

from queue_service.rules.staffing import desks_needed, erlang_c, share_within


def test_erlang_c_matches_the_textbook_values() -> None:
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)
    assert erlang_c(3, 3.0) == 1.0 and erlang_c(3, 0.0) == 0.0


def test_more_desks_start_more_visits_in_time() -> None:
    shares = [share_within(c, 20 / 3600, 600, 900) for c in range(4, 8)]
    assert shares == sorted(shares) and shares[0] < 0.9 < shares[-1]


def test_desks_needed_is_the_fewest_that_meet_the_share() -> None:
    needed = desks_needed(20 / 3600, 600, 900, 0.9)
    assert share_within(needed, 20 / 3600, 600, 900) >= 0.9
    assert share_within(needed - 1, 20 / 3600, 600, 900) < 0.9
    assert desks_needed(0.0, 600, 900, 0.9) == 0
