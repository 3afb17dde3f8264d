"""Service-time distributions learned from completed visits, by service and time of day.

A distribution is kept as its sorted samples, so the estimator can draw from it (a bootstrap)
and draw the *remaining* time of a visit that has already taken `elapsed` seconds from the
samples longer than that. With too few samples a service falls back to a lognormal around its
configured default (coefficient of variation `DEFAULT_CV`), written out as evenly spaced
quantiles so both cases draw the same way.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

MIN_SAMPLES = 8
# The time of day is used only with this many samples from around it: a distribution's tail
# (what a visit already in service draws from) needs them more than it needs the hour.
MIN_HOUR_SAMPLES = 40
# Enough to describe a service at one time of day.
MAX_SAMPLES = 200
# Samples within this many hours of the hour asked about count as "that time of day".
HOUR_SPAN = 1
DEFAULT_CV = 0.6
DEFAULT_POINTS = 40
# A visit that has outrun every sample is expected to end soon, not at once.
OVERRUN_REMAINING_S = 60.0


@dataclass(frozen=True)
class ServiceTime:
    """One service's service-time distribution as sorted samples, in seconds."""

    samples_s: tuple[float, ...]

    @property
    def mean_s(self) -> float:
        return math.fsum(self.samples_s) / len(self.samples_s)

    def draw(self, u: float) -> float:
        """The sample at uniform variate `u` in [0, 1)."""
        return self.samples_s[int(u * len(self.samples_s))]

    def draw_remaining(self, elapsed_s: float, u: float) -> float:
        """How much longer a visit that has run `elapsed_s` takes, at uniform variate `u`."""
        first = bisect.bisect_right(self.samples_s, elapsed_s)
        longer = len(self.samples_s) - first
        if longer == 0:
            return OVERRUN_REMAINING_S
        return self.samples_s[first + int(u * longer)] - elapsed_s


def lognormal(mean_s: float, cv: float = DEFAULT_CV) -> tuple[float, float]:
    """The (mu, sigma) of the lognormal with this mean and coefficient of variation."""
    sigma = math.sqrt(math.log1p(cv * cv))
    return math.log(mean_s) - sigma * sigma / 2, sigma


def default_time(mean_s: float, cv: float = DEFAULT_CV) -> ServiceTime:
    """A lognormal with the given mean, as `DEFAULT_POINTS` evenly spaced quantiles."""
    normal = NormalDist(*lognormal(mean_s, cv))
    points = [math.exp(normal.inv_cdf((i + 0.5) / DEFAULT_POINTS)) for i in range(DEFAULT_POINTS)]
    # Evenly spaced quantiles miss a little of the long tail: scale them back to the mean.
    scale = mean_s * DEFAULT_POINTS / math.fsum(points)
    return ServiceTime(tuple(p * scale for p in points))


def learn(
    samples: Iterable[tuple[int, int, float]], hour: int, defaults_s: Mapping[int, float]
) -> dict[int, ServiceTime]:
    """Per service, the distribution to use at local `hour`.

    `samples` are (service id, local hour of the start, duration in seconds), newest first.
    A service uses its samples from around that hour when it has enough of them, else all its
    samples, else its default."""
    near: dict[int, list[float]] = {}
    every: dict[int, list[float]] = {}
    for service_id, started_hour, duration_s in samples:
        if duration_s <= 0:
            continue
        if abs(started_hour - hour) <= HOUR_SPAN:
            _keep(near, service_id, duration_s)
        _keep(every, service_id, duration_s)
    result = {}
    for service_id, default_s in defaults_s.items():
        chosen = _enough(near.get(service_id), MIN_HOUR_SAMPLES) or _enough(
            every.get(service_id), MIN_SAMPLES
        )
        result[service_id] = (
            ServiceTime(tuple(sorted(chosen))) if chosen else default_time(default_s)
        )
    return result


def _keep(bucket: dict[int, list[float]], service_id: int, duration_s: float) -> None:
    kept = bucket.setdefault(service_id, [])
    if len(kept) < MAX_SAMPLES:
        kept.append(duration_s)


def _enough(samples: Sequence[float] | None, least: int) -> Sequence[float] | None:
    return samples if samples is not None and len(samples) >= least else None
