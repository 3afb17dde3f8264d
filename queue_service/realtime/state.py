"""What one process remembers about its own live clients."""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass, field


@dataclass
class LiveState:
    tick_s: float
    # Ticket rooms are named by token alone; the refresh needs each one's site.
    ticket_sites: dict[str, str] = field(default_factory=dict)
    _tick_started: bool = False

    def start_tick_once(self, start: Callable[[], object]) -> None:
        """Start the refresh loop the first time a client connects (not at import or in
        command-line use, where nothing would listen)."""
        if not self._tick_started and self.tick_s > 0:
            self._tick_started = True
            start()

    def follow_ticket(self, token: str, site_slug: str) -> None:
        """Remember a followed ticket's site for the refresh, which alone forgets it again."""
        if self.tick_s > 0:
            self.ticket_sites[token] = site_slug

    def keep_tickets(self, tokens: Set[str]) -> None:
        """Forget the sites of tickets nobody here follows any more."""
        for token in self.ticket_sites.keys() - tokens:
            del self.ticket_sites[token]
