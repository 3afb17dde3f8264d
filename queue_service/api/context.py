"""Per-request plumbing for the views: the unit of work, who is asking, and their key."""

from __future__ import annotations

from flask import current_app, g, request, session

from ..errors import Invalid, NotAuthenticated
from ..rules.permissions import Actor
from ..services import accounts
from ..services.planner import Planner
from ..services.uow import UnitOfWork
from .validation import UNSTORABLE, storable

MAX_IDEMPOTENCY_KEY = 200


def uow() -> UnitOfWork:
    """A unit of work bound to this app's database, clock and publisher."""
    return UnitOfWork.for_app(current_app._get_current_object())  # type: ignore[attr-defined]


def planner() -> Planner:
    """This process's staffing planner (it remembers the plans it has worked out)."""
    found: Planner = current_app.extensions["queue_planner"]
    return found


def actor() -> Actor:
    """The device (bearer token) or staff user (session cookie) making the request."""
    if "actor" not in g:
        g.actor = accounts.actor_for(uow(), staff=staff_session(), device_token=bearer_token())
    return g.actor


def staff_session() -> accounts.StaffSession | None:
    """The staff session the cookie carries (in a socket handler: the copy taken at connect),
    whether or not it has ended since; the services check that."""
    user_id, generation = session.get("user_id"), session.get("generation")
    if isinstance(user_id, int) and isinstance(generation, int):
        return accounts.StaffSession(user_id, generation)
    return None


def start_staff_session(staff: accounts.StaffSession) -> None:
    """Put a new sign-in in the cookie, dropping whatever the cookie held before."""
    session.clear()
    session.permanent = True
    session["user_id"], session["generation"] = staff.user_id, staff.generation


def idempotency_key() -> str | None:
    """The request's Idempotency-Key header, checked for size."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 0 < len(key) <= MAX_IDEMPOTENCY_KEY:
        raise Invalid(
            f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters",
            fields={"Idempotency-Key": "bad length"},
        )
    if not storable(key):
        raise Invalid(f"Idempotency-Key {UNSTORABLE}", fields={"Idempotency-Key": UNSTORABLE})
    return key


def bearer_token() -> str | None:
    """The device token from an `Authorization: Bearer` header, if there is one."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("Authorization must be 'Bearer <device token>'", code="bad_token")
    return token.strip()
