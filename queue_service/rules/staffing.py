"""How many desks an hour needs: Erlang C, the first cut of the staffing planner.

With arrivals at rate λ, mean service time 1/μ and c desks (offered load a = λ/μ < c), the
chance that a visit waits at all is Erlang C:

    C(c, a) = (a^c / c!) · c/(c - a)  /  (Σ_{k<c} a^k/k! + (a^c / c!) · c/(c - a))

and the chance that it starts within t is 1 - C(c, a)·e^{-(cμ - λ)t}. The planner takes the
fewest desks that start `share` of visits within `target`; the simulator then checks that
figure on real days, where arrivals bunch and services differ.
"""

from __future__ import annotations

import math

MAX_DESKS = 50


def erlang_c(desks: int, load: float) -> float:
    """The chance that an arrival waits, with `desks` desks and offered load `load` (= λ/μ)."""
    if load <= 0:
        return 0.0
    if desks <= load:
        return 1.0
    term, total = 1.0, 1.0
    for k in range(1, desks):
        term *= load / k
        total += term
    top = term * load / desks * desks / (desks - load)
    return top / (total + top)


def share_within(desks: int, rate_per_s: float, mean_s: float, target_s: float) -> float:
    """The share of visits that start within `target_s` seconds."""
    load = rate_per_s * mean_s
    if desks <= load:
        return 0.0
    return 1.0 - erlang_c(desks, load) * math.exp(-(desks / mean_s - rate_per_s) * target_s)


def desks_needed(rate_per_s: float, mean_s: float, target_s: float, share: float) -> int:
    """The fewest desks that start `share` of visits within `target_s` (0 with no arrivals)."""
    if rate_per_s <= 0:
        return 0
    for desks in range(1, MAX_DESKS + 1):
        if share_within(desks, rate_per_s, mean_s, target_s) >= share:
            return desks
    return MAX_DESKS
