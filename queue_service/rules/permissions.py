"""Who may do what, and where: the roles of DESIGN §2 as one table."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    RECEPTION = "reception"
    ADVISER = "adviser"
    MANAGER = "manager"
    ADMIN = "admin"
    KIOSK = "kiosk"
    DISPLAY = "display"


STAFF_ROLES = frozenset({Role.RECEPTION, Role.ADVISER, Role.MANAGER, Role.ADMIN})
DEVICE_ROLES = frozenset({Role.KIOSK, Role.DISPLAY})


class Permission(StrEnum):
    ISSUE_TICKET = "issue_ticket"
    CHECK_IN = "check_in"
    VIEW_QUEUE = "view_queue"
    VIEW_BOARD = "view_board"  # only asked for when a site's board is not public
    BOOK_APPOINTMENT = "book_appointment"
    GREET = "greet"
    TRIAGE = "triage"  # transfer or cancel a visit
    SERVE = "serve"  # call, recall, start, complete, no-show; open, close and call at a desk
    POST_NOTICE = "post_notice"
    VIEW_REPORTS = "view_reports"
    VIEW_AUDIT = "view_audit"  # the event log: who did what to which visit
    EDIT_ROTA = "edit_rota"  # the site's planned desk hours
    MANAGE_DEVICES = "manage_devices"  # list a site's kiosks and displays, revoke them


_FRONT = frozenset(
    {
        Permission.ISSUE_TICKET,
        Permission.CHECK_IN,
        Permission.VIEW_QUEUE,
        Permission.VIEW_BOARD,
        Permission.BOOK_APPOINTMENT,
        Permission.GREET,
        Permission.TRIAGE,
        Permission.POST_NOTICE,
    }
)

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.RECEPTION: _FRONT,
    Role.ADVISER: _FRONT | {Permission.SERVE},
    Role.MANAGER: frozenset(Permission),
    Role.ADMIN: frozenset(Permission),
    Role.KIOSK: frozenset({Permission.ISSUE_TICKET, Permission.CHECK_IN, Permission.VIEW_BOARD}),
    Role.DISPLAY: frozenset({Permission.VIEW_BOARD}),
}


@dataclass(frozen=True)
class Actor:
    """Whoever is acting: a signed-in staff user, a paired device, or the system itself."""

    kind: str  # "user", "device" or "system"
    id: int | None
    role: Role | None
    # Sites the actor belongs to; None means every site (admins and the system).
    site_ids: frozenset[int] | None

    @property
    def label(self) -> str:
        """How the event log names the actor."""
        return self.kind if self.id is None else f"{self.kind}:{self.id}"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


ANONYMOUS = Actor(kind="anonymous", id=None, role=None, site_ids=frozenset())
SYSTEM = Actor(kind="system", id=None, role=Role.ADMIN, site_ids=None)


def can(actor: Actor, permission: Permission, site_id: int) -> bool:
    """Whether the actor holds the permission at the site."""
    if actor.role is None:
        return False
    in_site = actor.site_ids is None or site_id in actor.site_ids
    return in_site and permission in GRANTS[actor.role]
