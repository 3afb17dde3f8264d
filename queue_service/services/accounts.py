"""Staff users and paired devices: creating them, signing in, and knowing who is acting."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session, joinedload

from ..errors import Conflict, Invalid, NotAuthenticated
from ..events import SessionEnded
from ..models import Device, Site, StaffUser, user_site
from ..rules.permissions import ANONYMOUS, DEVICE_ROLES, STAFF_ROLES, Actor, Role
from . import devices, queries
from .uow import UnitOfWork

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class StaffSession:
    """What a session cookie holds: the user, and the generation it was signed in at."""

    user_id: int
    generation: int


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    uow: UnitOfWork,
    username: str,
    password: str,
    role: str,
    site_slugs: list[str],
    display_name: str | None = None,
) -> dict[str, Any]:
    """Create a staff user, or reset an existing one's password, role and sites."""
    if role not in STAFF_ROLES:
        raise Invalid(
            f"role must be one of {', '.join(sorted(STAFF_ROLES))}", fields={"role": role}
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    with uow.writing() as session:
        sites = list(session.scalars(select(Site).where(Site.slug.in_(site_slugs))))
        missing = set(site_slugs) - {s.slug for s in sites}
        if missing:
            raise Invalid(f"no site {', '.join(sorted(missing))}", fields={"site": "unknown"})
        if role != Role.ADMIN and not sites:
            raise Invalid("a staff user other than an admin needs at least one site")
        user = session.scalars(
            select(StaffUser).where(StaffUser.username == username)
        ).one_or_none()
        if user is None:
            user = StaffUser(username=username, created_at=uow.now(), display_name=username)
            session.add(user)
        else:
            # A reset password, role or site list must not live on in old sessions.
            _end_sessions(uow, user)
        user.password_hash = uow.passwords.hash(password)
        user.role = role
        user.display_name = display_name or user.display_name
        user.sites = sites
        user.active = True
        session.flush()
        body = user_view(user)
        uow.commit()
    return body


def add_device(
    uow: UnitOfWork, site_slug: str, kind: str, name: str, *, replace: bool = False
) -> str:
    """Pair a kiosk or display with a site. Returns its token, which is shown only once.
    With `replace`, a device of the same name is revoked first (a re-paired screen)."""
    if kind not in DEVICE_ROLES:
        raise Invalid("kind must be kiosk or display", fields={"kind": kind})
    token = secrets.token_urlsafe(32)
    with uow.writing() as session:
        site = session.scalars(select(Site).where(Site.slug == site_slug)).one_or_none()
        if site is None:
            raise Invalid(f"no site {site_slug!r}", fields={"site": "unknown"})
        taken = session.scalars(
            select(Device).where(
                Device.site_id == site.id, Device.name == name, Device.revoked_at.is_(None)
            )
        ).one_or_none()
        if taken is not None and not replace:
            raise Conflict(f"{site_slug} already has a device called {name!r}")
        if taken is not None:
            devices.revoke(uow, taken)
        session.add(
            Device(
                site=site, kind=kind, name=name, token_hash=hash_token(token), created_at=uow.now()
            )
        )
        uow.commit()
    return token


def login(uow: UnitOfWork, username: str, password: str) -> tuple[dict[str, Any], StaffSession]:
    """Check a username and password; the answer is the user and what the session cookie
    keeps."""
    with uow.reading() as session:
        user = session.scalars(
            select(StaffUser).where(StaffUser.username == username)
        ).one_or_none()
        valid = uow.passwords.verify(user.password_hash if user else None, password)
        if user is None or not valid or not user.active:
            raise NotAuthenticated("wrong username or password", code="bad_credentials")
        return user_view(user), StaffSession(user.id, user.session_generation)


@dataclass(frozen=True)
class Pairing:
    """Whether a device page may run: `problem` is None when `token` belongs to a live device of
    the page's kind and site; else "unpaired" (no token), "unknown" (unknown or revoked),
    "wrong_kind" or "wrong_site"."""

    site_slug: str
    site_name: str
    public_board: bool
    token: str | None
    problem: str | None


def check_pairing(uow: UnitOfWork, site_slug: str, kind: str, token: str | None) -> Pairing:
    """Check a device token offered to a kiosk or display page of a site."""
    with uow.reading() as session:
        site = queries.site_by_slug(session, site_slug)
        device = _live_device(session, token) if token else None
        if token is None:
            problem: str | None = "unpaired"
        elif device is None:
            problem = "unknown"
        elif device.kind != kind:
            problem = "wrong_kind"
        elif device.site_id != site.id:
            problem = "wrong_site"
        else:
            problem = None
        return Pairing(site.slug, site.name, site.public_board, token, problem)


# Every kiosk and display request shows its token: the device's plain columns, from a
# statement built once.
_LIVE_DEVICE = select(Device.id, Device.kind, Device.site_id).where(
    Device.token_hash == bindparam("token_hash"), Device.revoked_at.is_(None)
)


def _live_device(session: Session, token: str) -> Row[int, str, int] | None:
    """The unrevoked device holding the token (its id, kind and site id), if any."""
    return session.execute(_LIVE_DEVICE, {"token_hash": hash_token(token)}).one_or_none()


def logout(uow: UnitOfWork, staff: StaffSession) -> None:
    """End the user's sessions on the server: every cookie of this generation stops working
    (a copied one too), and their live connections are closed."""
    with uow.writing() as session:
        user = _signed_in_user(session, staff)
        if user is not None:
            _end_sessions(uow, user)
            uow.commit()


def actor_for(uow: UnitOfWork, *, staff: StaffSession | None, device_token: str | None) -> Actor:
    """Who is acting, from a session's user or a device's bearer token."""
    with uow.reading_one() as session:
        if device_token is not None:
            device = _live_device(session, device_token)
            if device is None:
                raise NotAuthenticated("unknown or revoked device token", code="bad_token")
            return Actor("device", device.id, Role(device.kind), frozenset({device.site_id}))
        return _staff_actor(session, staff) if staff is not None else ANONYMOUS


# Every staff request asks who the session's user is: plain rows (the user's role and state,
# one per site) from a statement built once, rather than the user and their sites as objects.
_STAFF_ACTOR = (
    select(StaffUser.role, StaffUser.active, StaffUser.session_generation, user_site.c.site_id)
    .outerjoin(user_site, user_site.c.user_id == StaffUser.id)
    .where(StaffUser.id == bindparam("user_id"))
)


def _staff_actor(session: Session, staff: StaffSession) -> Actor:
    """The session's user as an actor, or ANONYMOUS once the session has ended."""
    rows = session.execute(_STAFF_ACTOR, {"user_id": staff.user_id}).all()
    if not rows or not _lasts(rows[0].active, rows[0].session_generation, staff):
        return ANONYMOUS
    role = Role(rows[0].role)
    sites = (
        None if role == Role.ADMIN else frozenset(r.site_id for r in rows if r.site_id is not None)
    )
    return Actor("user", staff.user_id, role, sites)


def me(uow: UnitOfWork, staff: StaffSession | None) -> dict[str, Any]:
    """The signed-in user."""
    with uow.reading() as session:
        user = _signed_in_user(session, staff)
        if user is None:
            raise NotAuthenticated("sign in first")
        return user_view(user)


def site_users(uow: UnitOfWork, site_slug: str) -> list[dict[str, Any]]:
    """The active staff accounts of a site (admins, who belong everywhere, included), by name:
    for the manager's team page."""
    with uow.reading() as session:
        site = queries.site_by_slug(session, site_slug)
        users = session.scalars(
            select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.username)
        )
        return [user_view(u) for u in users if u.role == Role.ADMIN or site in u.sites]


def _signed_in_user(session: Session, staff: StaffSession | None) -> StaffUser | None:
    """The session's user while the session lasts: active, and not signed out since."""
    if staff is None:
        return None
    user = session.get(StaffUser, staff.user_id, options=[joinedload(StaffUser.sites)])
    if user is None or not _lasts(user.active, user.session_generation, staff):
        return None
    return user


def _lasts(active: bool, generation: int, staff: StaffSession) -> bool:
    """A session lasts while its user is active and has not signed out since it began."""
    return active and generation == staff.generation


def _end_sessions(uow: UnitOfWork, user: StaffUser) -> None:
    uow.emit(SessionEnded(user_id=user.id, generation=user.session_generation))
    user.session_generation += 1


def user_view(user: StaffUser) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "sites": [s.slug for s in user.sites],
    }
