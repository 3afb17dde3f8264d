"""Sites, services, desks and opening hours from a TOML file a council keeps in version control.

Loading is idempotent: sites are matched by slug, services by code, desks by name. A service
or desk missing from the file is deactivated, not deleted, because past visits refer to it.
The file's rota seeds the planned desk hours; once a manager edits them (services/rota.py)
the file no longer overwrites them unless told to (`sites load --replace-rota`).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Invalid
from ..models import Desk, Service, Site
from ..rules.calendar import DAYS, CalendarError, parse_span, validate_hours, zone
from ..rules.rota import read_week
from . import rota
from .uow import UnitOfWork

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
SITE_SETTINGS = {
    "call_window_min": "call_window_s",
    "grace_min": "grace_s",
    "greet_target_min": "greet_target_s",
    "wait_target_min": "wait_target_s",
    "appointment_target_min": "appointment_target_s",
}


def load_sites(
    uow: UnitOfWork, document: dict[str, Any], *, replace_rota: bool = False
) -> list[str]:
    """Create or update every site in the document; returns one summary line per site.
    `replace_rota`: the file's rota replaces one a manager has edited (else that is kept)."""
    sites = document.get("site")
    if not isinstance(sites, list) or not sites:
        raise Invalid("the file has no [[site]] tables")
    lines = []
    with uow.writing() as session:
        for index, spec in enumerate(sites):
            try:
                lines.append(_load_site(uow, session, spec, replace_rota))
            except (KeyError, TypeError, ValueError, CalendarError) as exc:
                where = spec.get("slug", f"#{index + 1}") if isinstance(spec, dict) else index + 1
                raise Invalid(f"site {where}: {exc}") from exc
        uow.commit()
    return lines


def _load_site(uow: UnitOfWork, session: Session, spec: dict[str, Any], replace_rota: bool) -> str:
    slug = str(spec["slug"])
    if not SLUG.match(slug):
        raise ValueError(f"slug {slug!r} must be lower-case letters, digits and hyphens")
    # Locked like every writer's site, so the version rises once per change, never lost.
    site = session.scalars(select(Site).where(Site.slug == slug).with_for_update()).one_or_none()
    if site is None:
        site = Site(slug=slug, version=0)
        session.add(site)
    site.name = _text(spec, "name", 120)
    site.timezone = str(zone(str(spec["timezone"])).key)
    site.opening_hours = validate_hours(dict(spec.get("opening_hours", {})))
    public_board = spec.get("public_board", True)
    if not isinstance(public_board, bool):
        raise ValueError("public_board must be true or false")
    site.public_board = public_board
    for key, column in SITE_SETTINGS.items():
        if key in spec:
            setattr(site, column, _minutes(spec, key) * 60)
    # Off unless the file asks for it: an office usually serves everyone who came in time.
    auto_close = "auto_close_after_min"
    site.auto_close_after_s = _minutes(spec, auto_close) * 60 if auto_close in spec else None
    session.flush()
    services = _load_services(session, site, spec.get("service", []))
    desks = _load_desks(session, site, spec.get("desk", []), services)
    planned = _load_rota(session, site, spec["rota"], desks, replace_rota) if "rota" in spec else ""
    # A renamed service, a new desk or new planned hours is a change screens must show now,
    # not at the next one.
    uow.touch(site)
    return f"{slug}: {len(services)} services, {len(desks)} desks{planned}"


def _load_services(session: Session, site: Site, specs: list[dict[str, Any]]) -> dict[str, Service]:
    existing = {
        s.code: s for s in session.scalars(select(Service).where(Service.site_id == site.id))
    }
    loaded: dict[str, Service] = {}
    for position, spec in enumerate(specs):
        code = _text(spec, "code", 16)
        prefix = _text(spec, "prefix", 1).upper()
        if code in loaded:
            raise ValueError(f"service {code} appears twice")
        service = existing.get(code) or Service(site=site, code=code)
        service.name = _text(spec, "name", 120)
        service.prefix = prefix
        service.default_service_min = _minutes(spec, "default_service_min", default=10)
        service.position = position
        service.active = True
        session.add(service)
        loaded[code] = service
    prefixes = [s.prefix for s in loaded.values()]
    if len(set(prefixes)) != len(prefixes):
        raise ValueError("two services share a ticket prefix")
    for code, service in existing.items():
        if code not in loaded:
            service.active = False
    session.flush()
    return loaded


def _load_desks(
    session: Session, site: Site, specs: list[dict[str, Any]], services: dict[str, Service]
) -> dict[str, Desk]:
    existing = {d.name: d for d in session.scalars(select(Desk).where(Desk.site_id == site.id))}
    loaded: dict[str, Desk] = {}
    for position, spec in enumerate(specs):
        name = _text(spec, "name", 60)
        unknown = [code for code in spec.get("services", []) if code not in services]
        if unknown:
            raise ValueError(f"desk {name} serves unknown service(s) {', '.join(unknown)}")
        desk = existing.get(name) or Desk(site=site, name=name, is_open=False)
        desk.position = position
        desk.active = True
        desk.services = [services[code] for code in spec.get("services", [])]
        session.add(desk)
        loaded[name] = desk
    for name, desk in existing.items():
        if name not in loaded:
            desk.active = False
            desk.is_open = False
    session.flush()
    return loaded


def _load_rota(
    session: Session, site: Site, specs: Any, desks: dict[str, Desk], replace_rota: bool
) -> str:
    """The file's rota: `[[site.rota]] desk = "Desk 1", days = ["mon", "tue"], hours =
    "09:00-12:30"` (local time), one table per stretch of planned hours; `rota = []` clears it.
    It replaces the site's rota unless a manager has edited that since (then it is kept, and
    the summary says so) or `replace_rota` says the file wins. A file without a rota leaves
    the site's alone."""
    if not isinstance(specs, list):
        raise ValueError("rota must be a list of [[site.rota]] tables")
    entries: list[tuple[str, str, str, str]] = []
    origins: list[int] = []
    for index, spec in enumerate(specs):
        desk = _text(spec, "desk", 60)
        hours = _text(spec, "hours", 11)
        if parse_span(hours) is None:
            raise ValueError("rota hours must be HH:MM-HH:MM")
        days = spec.get("days", list(DAYS))
        if not isinstance(days, list) or not days or any(d not in DAYS for d in days):
            raise ValueError(f"rota days must be a list of {', '.join(DAYS)}")
        start, end = hours.split("-")
        entries.extend((desk, day, start, end) for day in days)
        origins.extend([index] * len(days))
    shifts, problems = read_week(entries, {name: desk.id for name, desk in desks.items()})
    if problems:
        (entry, field), text = next(iter(problems.items()))
        raise ValueError(f"rota #{origins[entry] + 1} ({entries[entry][0]}): {field} {text}")
    if site.rota_edited_by is not None and not replace_rota:
        edited = site.rota_edited_at.date().isoformat() if site.rota_edited_at else "?"
        return (
            f", the rota {site.rota_edited_by} edited on {edited} is kept"
            " (--replace-rota takes the file's)"
        )
    rota.store(session, site, shifts)
    site.rota_edited_by = site.rota_edited_at = None
    return f", {len(shifts)} rota shifts"


def _text(spec: dict[str, Any], key: str, max_length: int) -> str:
    value = spec[key]
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise ValueError(f"{key} must be a non-empty string of at most {max_length} characters")
    return value.strip()


def _minutes(spec: dict[str, Any], key: str, default: int | None = None) -> int:
    value = spec.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 24 * 60:
        raise ValueError(f"{key} must be a whole number of minutes from 0 to 1440")
    return value
