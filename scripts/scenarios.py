"""Seeded scenario generators for the estimate benchmark: scenario documents in the format of
`queue-service simulate` (docs/examples/scenario.json)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from queue_service.rules.service_times import lognormal

TZ = ZoneInfo("Europe/London")
OPEN, CLOSE = time(9, 0), time(17, 0)

# (a) stationary M/M/c: four desks, exponential service, load 0.85.
MMC_DESKS = 4
MMC_MEAN_S = 600.0
MMC_LOAD = 0.85

# (b) a council day: five services with their means, desks serving different subsets.
COUNCIL_SERVICES = {"CT": 480, "BEN": 900, "HOU": 1200, "BBP": 600, "GEN": 300}
COUNCIL_DESKS = {
    "Desk 1": ["CT", "BEN", "GEN"],
    "Desk 2": ["CT", "BBP", "GEN"],
    "Desk 3": ["BEN", "HOU"],
    "Desk 4": ["HOU", "BEN", "CT"],
    "Desk 5": ["CT", "GEN", "BBP"],
    "Desk 6": ["BEN", "HOU", "GEN"],
}
COUNCIL_MIX = {"CT": 0.32, "BEN": 0.24, "HOU": 0.14, "BBP": 0.12, "GEN": 0.18}
# Two desks go to lunch, one after the other.
LUNCH = {"Desk 5": (time(12, 0), time(13, 0)), "Desk 6": (time(13, 0), time(14, 0))}
SERVICE_CV = 0.7
APPOINTMENT_SHARE = 1 / 3
NO_SHOW = 0.1


def at(day: date, clock: time, plus_s: float = 0.0) -> datetime:
    return datetime.combine(day, clock, TZ) + timedelta(seconds=plus_s)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def drawn(rng: random.Random, mean: float, cv: float) -> float:
    return rng.lognormvariate(*lognormal(mean, cv))


def _history(
    rng: random.Random, day: date, services: dict[str, float], draw: Any, per_service: int
) -> list[dict[str, str]]:
    """Completed visits on the week before, spread over opening hours."""
    rows = []
    for code, mean in services.items():
        for i in range(per_service):
            past = day - timedelta(days=1 + i % 6)
            started = at(past, OPEN, rng.uniform(0, 8 * 3600 - 1800))
            rows.append(
                {
                    "service": code,
                    "arrived_at": iso(started - timedelta(minutes=5)),
                    "service_started_at": iso(started),
                    "completed_at": iso(started + timedelta(seconds=round(draw(mean)))),
                }
            )
    return rows


def mmc_day(seed: int, day: date) -> dict[str, Any]:
    """Poisson arrivals all day at load 0.85 on four identical desks; exponential service.
    Desks stay open until the queue has emptied, so every arrival is served."""
    rng = random.Random(seed)
    rate = MMC_LOAD * MMC_DESKS / MMC_MEAN_S
    desks = [f"Desk {i + 1}" for i in range(MMC_DESKS)]
    events: list[dict[str, Any]] = [
        {"at": iso(at(day, OPEN)), "type": "desk_open", "desk": d} for d in desks
    ]
    t = rng.expovariate(rate)
    n = 0
    while t < 8 * 3600:
        n += 1
        events.append(
            {
                "at": iso(at(day, OPEN, round(t))),
                "type": "walk_in",
                "id": f"v{n}",
                "service": "GEN",
                "service_s": max(1, round(rng.expovariate(1 / MMC_MEAN_S))),
            }
        )
        t += rng.expovariate(rate)
    events += [{"at": iso(at(day, time(23, 0))), "type": "desk_close", "desk": d} for d in desks]
    return {
        "site": {
            "slug": "mmc",
            "timezone": "Europe/London",
            "services": [
                {"code": "GEN", "name": "General", "prefix": "G", "default_service_s": 600}
            ],
            "desks": [{"name": d, "services": ["GEN"]} for d in desks],
        },
        "settings": {"call_window_s": 120, "late_grace_s": 600, "walk_s": 0},
        "rota": [
            {"desk": d, "from": iso(at(day, OPEN)), "to": iso(at(day, time(23, 0)))} for d in desks
        ],
        "history": _history(rng, day, {"GEN": MMC_MEAN_S}, lambda m: rng.expovariate(1 / m), 200),
        "events": events,
    }


def _council_rate(seconds: float) -> float:
    """Walk-ins per second through the day: a morning ramp, the 12:00-14:00 peak, a lull."""
    hour = 9 + seconds / 3600
    if hour < 11:
        per_hour = 14 + 10 * (hour - 9)
    elif hour < 12:
        per_hour = 34
    elif hour < 14:
        per_hour = 46
    elif hour < 16:
        per_hour = 30
    else:
        per_hour = 20
    return per_hour * (1 - APPOINTMENT_SHARE) / 3600


def council_day(seed: int, day: date) -> dict[str, Any]:
    """The realistic day of issue 12 (b)."""
    rng = random.Random(seed)
    codes = list(COUNCIL_MIX)
    weights = list(COUNCIL_MIX.values())
    events: list[dict[str, Any]] = []
    for desk in COUNCIL_DESKS:
        events.append({"at": iso(at(day, OPEN)), "type": "desk_open", "desk": desk})
    for desk, (out, back) in LUNCH.items():
        # Staff leave and come back within a few minutes of the rota's times.
        events.append(
            {"at": iso(at(day, out, rng.uniform(-300, 300))), "type": "desk_close", "desk": desk}
        )
        events.append(
            {"at": iso(at(day, back, rng.uniform(-120, 420))), "type": "desk_open", "desk": desk}
        )
    for desk in COUNCIL_DESKS:
        events.append({"at": iso(at(day, CLOSE)), "type": "desk_close", "desk": desk})
    # Walk-ins: a thinned Poisson process with the day's shape.
    peak = _council_rate(3.5 * 3600)
    t, n = 0.0, 0
    while True:
        t += rng.expovariate(peak)
        if t >= 7.5 * 3600:
            break
        if rng.random() > _council_rate(t) / peak:
            continue
        n += 1
        code = rng.choices(codes, weights)[0]
        events.append(
            {
                "at": iso(at(day, OPEN, round(t))),
                "type": "walk_in",
                "id": f"w{n}",
                "service": code,
                "priority": rng.random() < 0.05,
                "service_s": max(30, round(drawn(rng, COUNCIL_SERVICES[code], SERVICE_CV))),
            }
        )
    # Appointments: a third of the day's visits, booked on quarter hours, checked in early
    # (a few late), some never come.
    slots = int(7 * 4 * 1.2)
    for k in range(slots):
        scheduled = at(day, OPEN, 15 * 60 * (k % 28) + 900)
        code = rng.choices(codes, weights)[0]
        ref = f"a{k}"
        events.append(
            {
                "at": iso(at(day, time(8, 0), k)),
                "type": "book",
                "id": ref,
                "service": code,
                "scheduled_at": iso(scheduled),
            }
        )
        if rng.random() < NO_SHOW:
            continue
        arrive = scheduled + timedelta(seconds=rng.choice([-1, -1, -1, 1]) * rng.uniform(0, 600))
        events.append(
            {
                "at": iso(max(arrive, at(day, OPEN))),
                "type": "check_in",
                "id": ref,
                "service_s": max(30, round(drawn(rng, COUNCIL_SERVICES[code], SERVICE_CV))),
            }
        )
    events.sort(key=lambda e: (e["at"], e["type"] != "book"))
    return {
        "site": {
            "slug": "council",
            "timezone": "Europe/London",
            "services": [
                {"code": c, "name": c, "prefix": "CBHPG"[i], "default_service_s": 600}
                for i, c in enumerate(COUNCIL_SERVICES)
            ],
            "desks": [{"name": d, "services": s} for d, s in COUNCIL_DESKS.items()],
        },
        "settings": {"call_window_s": 120, "late_grace_s": 600, "walk_s": 0},
        "rota": _council_rota(day),
        "history": _history(rng, day, COUNCIL_SERVICES, lambda m: drawn(rng, m, SERVICE_CV), 60),
        "events": events,
    }


def _council_rota(day: date) -> list[dict[str, str]]:
    rota = []
    for desk in COUNCIL_DESKS:
        if desk in LUNCH:
            out, back = LUNCH[desk]
            rota.append({"desk": desk, "from": iso(at(day, OPEN)), "to": iso(at(day, out))})
            rota.append({"desk": desk, "from": iso(at(day, back)), "to": iso(at(day, CLOSE))})
        else:
            rota.append({"desk": desk, "from": iso(at(day, OPEN)), "to": iso(at(day, CLOSE))})
    return rota
