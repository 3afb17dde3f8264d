"""Domain events: what happened, told to the outside world only after the commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class SiteChanged:
    """Anything at the site changed; `version` is the site's new version."""

    site_id: int
    site_slug: str
    version: int


@dataclass(frozen=True)
class VisitChanged:
    """One visit's public status changed."""

    site_id: int
    site_slug: str
    visit_id: int
    token: str


@dataclass(frozen=True)
class VisitCalled:
    """A visit was called (or recalled) to a desk: the lobby announces it."""

    site_id: int
    site_slug: str
    visit_id: int
    number: str
    desk: str
    service: str
    at: datetime
    language: str | None = None  # the ticket's language, for the spoken announcement
    recall: bool = False


@dataclass(frozen=True)
class SessionEnded:
    """A staff user's sessions of one generation ended (sign-out, reset): their live
    connections are closed."""

    user_id: int
    generation: int


@dataclass(frozen=True)
class DeviceRevoked:
    """A kiosk or display lost its pairing: its live connections are closed."""

    device_id: int


# Events that end connections rather than change a site.
ConnectionsEnded = SessionEnded | DeviceRevoked
Event = SiteChanged | VisitChanged | VisitCalled | SessionEnded | DeviceRevoked


class Publisher(Protocol):
    def publish(self, events: Sequence[Event]) -> None:
        """Deliver committed events to whoever listens."""
        ...
