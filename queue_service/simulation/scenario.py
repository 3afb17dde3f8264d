"""A simulation scenario (the JSON file of `queue-service simulate`), read and checked.

Every problem names where it is: `events[3].service: unknown service 'XX'`, so a person
fixing a generated file can find the line. Times must carry an offset (ISO 8601).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from ..errors import Invalid
from ..rules.calendar import parse_instant

EVENT_TYPES = ("desk_open", "desk_close", "book", "walk_in", "check_in")
T = TypeVar("T")


class ScenarioError(Invalid):
    """A scenario that cannot be run; the message names the event index and field."""

    code = "invalid_scenario"


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name: str
    prefix: str
    default_service_s: int


@dataclass(frozen=True)
class DeskSpec:
    name: str
    services: tuple[str, ...]


@dataclass(frozen=True)
class Settings:
    call_window_s: int = 120
    late_grace_s: int = 600
    walk_s: int = 0


@dataclass(frozen=True)
class RotaEntry:
    desk: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class PastVisit:
    service: str
    arrived_at: datetime
    service_started_at: datetime
    completed_at: datetime


@dataclass(frozen=True)
class Event:
    """One line of the day: `desk` for desk_open/close; `id`, `service`, `scheduled_at`,
    `service_s` and `priority` as the type uses them."""

    index: int
    at: datetime
    type: str
    desk: str | None = None
    id: str | None = None
    service: str | None = None
    scheduled_at: datetime | None = None
    service_s: float | None = None
    priority: bool = False


@dataclass(frozen=True)
class Scenario:
    slug: str
    timezone: str
    services: tuple[ServiceSpec, ...]
    desks: tuple[DeskSpec, ...]
    settings: Settings
    rota: tuple[RotaEntry, ...] = ()
    history: tuple[PastVisit, ...] = ()
    events: tuple[Event, ...] = field(default_factory=tuple)


def parse(document: Any) -> Scenario:
    """The scenario in `document` (parsed JSON), or ScenarioError naming the bad place."""
    doc = _get(document, "", dict, "an object")
    site = _req(doc, "site", dict, "an object", "")
    services = tuple(
        ServiceSpec(
            code=_req(s, "code", str, "a string", f"site.services[{i}]."),
            name=_req(s, "name", str, "a string", f"site.services[{i}]."),
            prefix=_req(s, "prefix", str, "a string", f"site.services[{i}]."),
            default_service_s=_positive(s, "default_service_s", f"site.services[{i}]."),
        )
        for i, s in enumerate(_items(site, "services", "site."))
    )
    codes = {s.code for s in services}
    if not codes:
        raise ScenarioError("site.services: at least one service is needed")
    desks = []
    for i, d in enumerate(_items(site, "desks", "site.")):
        where = f"site.desks[{i}]."
        served = tuple(_req(d, "services", list, "a list", where))
        unknown = [c for c in served if c not in codes]
        if unknown:
            raise ScenarioError(f"{where}services: unknown service(s) {unknown}")
        desks.append(DeskSpec(_req(d, "name", str, "a string", where), served))
    names = {d.name for d in desks}
    settings_doc = _opt(doc, "settings", dict, "an object", "", {})
    settings = Settings(
        **{
            key: _whole(settings_doc, key, "settings.", default)
            for key, default in vars(Settings()).items()
        }
    )
    rota = tuple(
        RotaEntry(
            desk=_one_of(r, "desk", names, f"rota[{i}]."),
            start=_time(r, "from", f"rota[{i}]."),
            end=_time(r, "to", f"rota[{i}]."),
        )
        for i, r in enumerate(_items(doc, "rota", "", optional=True))
    )
    history = tuple(
        PastVisit(
            service=_one_of(h, "service", codes, f"history[{i}]."),
            arrived_at=_time(h, "arrived_at", f"history[{i}]."),
            service_started_at=_time(h, "service_started_at", f"history[{i}]."),
            completed_at=_time(h, "completed_at", f"history[{i}]."),
        )
        for i, h in enumerate(_items(doc, "history", "", optional=True))
    )
    events = _events(_items(doc, "events", ""), codes, names)
    if not events:
        raise ScenarioError("events: at least one event is needed")
    return Scenario(
        slug=_req(site, "slug", str, "a string", "site."),
        timezone=_req(site, "timezone", str, "a string", "site."),
        services=services,
        desks=tuple(desks),
        settings=settings,
        rota=rota,
        history=history,
        events=events,
    )


def _events(items: list[dict[str, Any]], codes: set[str], desks: set[str]) -> tuple[Event, ...]:
    events: list[Event] = []
    booked: set[str] = set()
    arrived: set[str] = set()
    for i, e in enumerate(items):
        where = f"events[{i}]."
        kind = _one_of(e, "type", set(EVENT_TYPES), where)
        at = _time(e, "at", where)
        if events and at < events[-1].at:
            raise ScenarioError(f"{where}at: events must be in time order")
        if kind in ("desk_open", "desk_close"):
            events.append(Event(i, at, kind, desk=_one_of(e, "desk", desks, where)))
            continue
        visit_id = _req(e, "id", str, "a string", where)
        service_s = _opt_positive(e, "service_s", where)
        if kind == "book":
            if visit_id in booked or visit_id in arrived:
                raise ScenarioError(f"{where}id: {visit_id!r} is used twice")
            booked.add(visit_id)
            service = _one_of(e, "service", codes, where)
            scheduled = _time(e, "scheduled_at", where)
            events.append(Event(i, at, kind, id=visit_id, service=service, scheduled_at=scheduled))
        elif kind == "check_in":
            if visit_id not in booked:
                raise ScenarioError(f"{where}id: no earlier book event with id {visit_id!r}")
            booked.discard(visit_id)
            arrived.add(visit_id)
            events.append(Event(i, at, kind, id=visit_id, service_s=service_s))
        else:
            if visit_id in booked or visit_id in arrived:
                raise ScenarioError(f"{where}id: {visit_id!r} is used twice")
            arrived.add(visit_id)
            service = _one_of(e, "service", codes, where)
            priority = _opt(e, "priority", bool, "true or false", where, False)
            events.append(
                Event(
                    i,
                    at,
                    kind,
                    id=visit_id,
                    service=service,
                    service_s=service_s,
                    priority=priority,
                )
            )
    return tuple(events)


def _get(value: Any, where: str, kind: type[T], described: str) -> T:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ScenarioError(f"{where or 'the scenario'}: must be {described}")
    return value


def _req(doc: dict[str, Any], key: str, kind: type[T], described: str, where: str) -> T:
    if key not in doc:
        raise ScenarioError(f"{where}{key}: missing")
    return _get(doc[key], f"{where}{key}", kind, described)


def _opt(doc: dict[str, Any], key: str, kind: type[T], described: str, where: str, default: T) -> T:
    return _req(doc, key, kind, described, where) if key in doc else default


def _items(
    doc: dict[str, Any], key: str, where: str, optional: bool = False
) -> list[dict[str, Any]]:
    values = (
        _opt(doc, key, list, "a list", where, [])
        if optional
        else _req(doc, key, list, "a list", where)
    )
    return [_get(v, f"{where}{key}[{i}]", dict, "an object") for i, v in enumerate(values)]


def _one_of(doc: dict[str, Any], key: str, allowed: set[str], where: str) -> str:
    value = _req(doc, key, str, "a string", where)
    if value not in allowed:
        raise ScenarioError(f"{where}{key}: unknown {key} {value!r}")
    return value


def _whole(doc: dict[str, Any], key: str, where: str, default: int) -> int:
    value = _opt(doc, key, int, "a whole number of seconds", where, default)
    if value < 0:
        raise ScenarioError(f"{where}{key}: must not be negative")
    return value


def _positive(doc: dict[str, Any], key: str, where: str) -> int:
    value = _req(doc, key, int, "a whole number of seconds", where)
    if value <= 0:
        raise ScenarioError(f"{where}{key}: must be more than zero")
    return value


def _opt_positive(doc: dict[str, Any], key: str, where: str) -> float | None:
    if key not in doc:
        return None
    value = doc[key]
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise ScenarioError(f"{where}{key}: must be a number of seconds more than zero")
    return float(value)


def _time(doc: dict[str, Any], key: str, where: str) -> datetime:
    text = _req(doc, key, str, "an ISO 8601 time with an offset", where)
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise ScenarioError(f"{where}{key}: {exc}") from None
