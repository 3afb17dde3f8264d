"""The staffing plan worked out from a weekday's history: the CPU-heavy part of the planner.

Erlang C (rules/staffing.py) gives the first cut per hour, from that weekday's average
arrivals and the site's mean service time. The figure assumes steady Poisson arrivals; real
days bunch. So the plan is then run through the day simulator on the last few of those days'
actual arrivals (each visit keeping its real service time), with that many desks open each
hour, serving every service; an hour that starts fewer than the target share in time gets one
more desk, and the days are run again, up to `ROUNDS` times.

Simulating a day takes seconds of CPU, so a serving process never runs this itself:
`python -m queue_service.simulation.planning` reads a `History` as JSON on standard input and
writes the plan as JSON on standard output (services/planner.py starts it). Everything here
is a function of the `History` alone (the simulation is seeded), which is what lets the
planner remember a plan by the history it came from.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..rules.calendar import zone
from ..rules.rota import local_instant
from ..rules.staffing import desks_needed
from . import runner
from .scenario import DeskSpec, Event, Scenario, ServiceSpec, Settings

SIMULATED_DAYS = 4
ROUNDS = 3
SHARE = 0.9


@dataclass(frozen=True)
class Arrival:
    """A past visit as the plan sees it: its service time, if it was served to the end."""

    service: str
    arrived_at: datetime
    service_s: float | None


@dataclass(frozen=True)
class History:
    """What a plan is worked out from; equal histories give equal plans."""

    site: str
    weekday: str
    timezone: str
    hours: tuple[int, ...]
    services: tuple[ServiceSpec, ...]
    days: tuple[tuple[date, tuple[Arrival, ...]], ...]  # oldest first, visits by arrival
    target_s: int

    def to_json(self) -> dict[str, Any]:
        """The history as the child reads it on standard input."""
        return {
            "site": self.site,
            "weekday": self.weekday,
            "timezone": self.timezone,
            "hours": list(self.hours),
            "services": [[s.code, s.name, s.prefix, s.default_service_s] for s in self.services],
            "days": [
                [
                    day.isoformat(),
                    [[a.service, a.arrived_at.isoformat(), a.service_s] for a in visits],
                ]
                for day, visits in self.days
            ],
            "target_s": self.target_s,
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> History:
        """The history `to_json` wrote."""
        return cls(
            site=document["site"],
            weekday=document["weekday"],
            timezone=document["timezone"],
            hours=tuple(document["hours"]),
            services=tuple(ServiceSpec(*s) for s in document["services"]),
            days=tuple(
                (
                    date.fromisoformat(day),
                    tuple(
                        Arrival(service, datetime.fromisoformat(at), service_s)
                        for service, at, service_s in visits
                    ),
                )
                for day, visits in document["days"]
            ),
            target_s=document["target_s"],
        )


def work_out(history: History) -> dict[str, Any]:
    """Desks per hour to start `SHARE` of visits within the target: the API's answer
    without the rota's desks, which the caller adds fresh."""
    tz = zone(history.timezone)
    days = dict(history.days)
    hours = list(history.hours)
    durations = [p.service_s for visits in days.values() for p in visits if p.service_s]
    mean_s = (
        statistics.fmean(durations)
        if durations
        else statistics.fmean(s.default_service_s for s in history.services)
    )
    per_hour = dict.fromkeys(hours, 0)
    for visits in days.values():
        for p in visits:
            hour = p.arrived_at.astimezone(tz).hour
            if hour in per_hour:
                per_hour[hour] += 1
    arrivals = {h: n / len(days) if days else 0.0 for h, n in per_hour.items()}
    target_s = history.target_s
    first_cut = {h: desks_needed(a / 3600, mean_s, target_s, SHARE) for h, a in arrivals.items()}
    desks: dict[int, int] = dict(first_cut)
    within: dict[int, float | None] = {}
    recent = sorted(days)[-SIMULATED_DAYS:] if hours else []
    for _ in range(ROUNDS if recent else 0):
        within = _simulated_share(history, desks, [days[d] for d in recent])
        short = [h for h, share in within.items() if share is not None and share < SHARE]
        if not short:
            break
        for h in short:
            desks[h] += 1
    return {
        "site": history.site,
        "weekday": history.weekday,
        "target_s": target_s,
        "share": SHARE,
        "days": len(days),
        "simulated_days": [d.isoformat() for d in recent],
        "mean_service_s": round(mean_s),
        "hours": [
            {
                "hour": f"{h:02d}:00",
                "arrivals_per_day": round(arrivals[h], 1),
                "erlang_c_desks": first_cut[h],
                "desks": desks[h],
                "simulated_within_target": _rounded(within.get(h)),
            }
            for h in hours
        ],
    }


def _rounded(share: float | None) -> float | None:
    return None if share is None else round(share, 3)


def _simulated_share(
    history: History, desks: dict[int, int], days: list[tuple[Arrival, ...]]
) -> dict[int, float | None]:
    """Per hour, the share of that hour's arrivals started within target, over the days."""
    met: dict[int, int] = defaultdict(int)
    seen: dict[int, int] = defaultdict(int)
    tz = zone(history.timezone)
    for visits in days:
        for row in runner.simulate(_scenario(history, desks, visits), seed=0):
            if row.arrived_at is None:
                continue
            hour = row.arrived_at.astimezone(tz).hour
            seen[hour] += 1
            wait = row.wait_s
            met[hour] += wait is not None and wait <= history.target_s
    return {h: met[h] / seen[h] if seen[h] else None for h in history.hours}


def _scenario(history: History, desks: dict[int, int], visits: tuple[Arrival, ...]) -> Scenario:
    """One past day replayed: its arrivals as walk-ins, `desks[h]` generic desks in hour h."""
    timezone, hours = history.timezone, history.hours
    day = visits[0].arrived_at.astimezone(zone(timezone)).date()
    most = max(max(desks.values(), default=0), 1)
    names = [f"Desk {i + 1}" for i in range(most)]
    events: list[Event] = []
    is_open = [False] * most
    for h in [*hours, hours[-1] + 1]:
        at = local_instant(day, h * 60, timezone)
        wanted = desks.get(h, 0)
        for i in range(most):
            if is_open[i] != (i < wanted):
                is_open[i] = i < wanted
                events.append(
                    Event(0, at, "desk_open" if is_open[i] else "desk_close", desk=names[i])
                )
    for n, p in enumerate(sorted(visits, key=lambda p: p.arrived_at)):
        events.append(
            Event(0, p.arrived_at, "walk_in", id=f"v{n}", service=p.service, service_s=p.service_s)
        )
    events.sort(key=lambda e: e.at)
    codes = tuple(s.code for s in history.services)
    return Scenario(
        slug="plan",
        timezone=timezone,
        services=history.services,
        desks=tuple(DeskSpec(name, codes) for name in names),
        settings=Settings(),
        events=tuple(events),
    )


def main() -> None:
    """The child's work: a history in on standard input, its plan out on standard output."""
    json.dump(work_out(History.from_json(json.load(sys.stdin))), sys.stdout)


if __name__ == "__main__":
    main()
